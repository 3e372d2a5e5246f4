using Chorus.Gateway.Commands;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Commands;

[EndToEnd]
public sealed class EmptyChannelWatcherTests(CommandClusterFixture fixture) : IClassFixture<CommandClusterFixture>
{
    private static readonly TimeSpan Timeout = CommandRig.Timeout;
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(2);

    private IGrainFactory Grains => fixture.Cluster.Client;

    private static EmptyChannelWatcher NewWatcher(CommandRig rig, IGrainFactory grains, FakeTimeProvider time)
    {
        var watcher = new EmptyChannelWatcher(rig.Gateway.Cache, () => rig.Gateway.UserId, grains, rig.Joiner, Delay, time, NullLogger<EmptyChannelWatcher>.Instance);
        watcher.Attach(rig.Gateway);
        return watcher;
    }

    [Fact]
    public async Task Leaves_after_the_delay_when_the_last_human_leaves()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        var time = new FakeTimeProvider();
        using var watcher = NewWatcher(rig, Grains, time);
        var started = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.CountdownStarted += g => started.TrySetResult(g);
        watcher.LeftEmptyChannel += g => left.TrySetResult(g);
        await rig.RunAsync(CommandRig.AliceId, "join");

        await rig.Emulator.UserLeavesVoiceAsync(rig.GuildId, CommandRig.AliceId);
        Assert.Equal(rig.GuildId, await started.Task.WaitAsync(Timeout));
        time.Advance(Delay - TimeSpan.FromSeconds(1));
        Assert.False(left.Task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(rig.GuildId, await left.Task.WaitAsync(Timeout));
        await rig.Emulator.VoiceStateCommands.WaitForAsync(c => c.ChannelId is null, Timeout);
        var session = await Grains.GetGrain<IVoiceSessionGrain>(rig.GuildKey).GetAsync();
        Assert.Equal("everyone left the voice channel", session.LastLeaveReason);
    }

    [Fact]
    public async Task A_human_returning_cancels_the_countdown()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        var time = new FakeTimeProvider();
        using var watcher = NewWatcher(rig, Grains, time);
        var started = new TaskCompletionSource<ulong>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.CountdownStarted += g => started.TrySetResult(g);
        var bobBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Gateway.VoiceStateUpdated += s =>
        {
            if (s.UserId == CommandRig.BobId && s.ChannelId == CommandRig.VoiceChannelId)
            {
                bobBack.TrySetResult();
            }
        };
        await rig.RunAsync(CommandRig.AliceId, "join");

        await rig.Emulator.UserLeavesVoiceAsync(rig.GuildId, CommandRig.AliceId);
        await started.Task.WaitAsync(Timeout);
        Assert.True(watcher.IsCountingDown(rig.GuildId));
        await rig.Emulator.UserJoinsVoiceAsync(rig.GuildId, CommandRig.BobId, CommandRig.VoiceChannelId);
        await bobBack.Task.WaitAsync(Timeout);

        Assert.False(watcher.IsCountingDown(rig.GuildId));
        Assert.DoesNotContain(rig.Emulator.VoiceStateCommands.Snapshot(), c => c.ChannelId is null);
    }
}
