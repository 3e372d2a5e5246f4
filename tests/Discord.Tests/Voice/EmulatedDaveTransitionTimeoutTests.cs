using Chorus.Emulators.Voice;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Discord.Tests.Voice;

/// <summary>The emulated voice server's own timer executes a DAVE transition a member never answered (discord-voice.md 5.5).</summary>
public sealed class EmulatedDaveTransitionTimeoutTests
{
    private const ulong Guild = 4545;

    [Fact]
    public async Task The_server_sends_op_22_once_the_transition_timeout_passes_on_its_clock()
    {
        var time = new FakeTimeProvider();
        var changed = new ChangeSignal();
        var (server, alice) = await StartWithAliceAsync(time, changed);
        await using var _ = server;
        await server.ScriptDaveDeliveryServiceAsync(Guild, gateway => gateway.WithholdTransitionReadyFrom(3002));
        var bob = server.AddScriptedUser(Guild, 3002);

        await Wait.UntilAsync(() => ReadAsync(server, g => g.Epoch == 1 && g.TransitionDeadline is not null), changed, TimeSpan.FromSeconds(30),
            () => "the group formed with its transition pending");
        Assert.False(alice.Dave!.IsReadyToSend);

        time.Advance(TimeSpan.FromSeconds(2));

        await Wait.UntilAsync(() => alice.Dave.IsReadyToSend && bob.Dave!.IsReadyToSend, changed, TimeSpan.FromSeconds(30),
            () => "both members executed the transition after the timeout");
        Assert.Equal(1, await ReadAsync(server, g => g.TransitionsTimedOut));
        Assert.Equal(1, await ReadAsync(server, g => g.TransitionsExecuted));
    }

    [Fact]
    public async Task The_transition_timer_stays_quiet_while_no_transition_is_pending()
    {
        var time = new FakeTimeProvider();
        var changed = new ChangeSignal();
        var (server, alice) = await StartWithAliceAsync(time, changed);
        await using var _ = server;
        var bob = server.AddScriptedUser(Guild, 3002);
        await Wait.UntilAsync(() => alice.Dave!.IsReadyToSend && bob.Dave!.IsReadyToSend, changed, TimeSpan.FromSeconds(30),
            () => "both members executed the transition, each having answered");

        // Every exchange re-arms the guild's timer; with nothing pending it must stay off, however much time passes.
        time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(0, await ReadAsync(server, g => g.TransitionsTimedOut));
        }

        Assert.Equal(1, await ReadAsync(server, g => g.TransitionsExecuted));
        Assert.Equal(0, server.Counters.DaveTransitionTimerFirings);
    }

    /// <summary>A server on <paramref name="time"/> with a 2 s transition timeout, and Alice in the guild's call.</summary>
    private static async Task<(EmulatedVoiceServer Server, ScriptedVoiceUser Alice)> StartWithAliceAsync(FakeTimeProvider time, ChangeSignal changed)
    {
        var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions
        {
            DaveProtocolVersion = 1,
            DaveTransitionTimeout = TimeSpan.FromSeconds(2),
            TimeProvider = time,
        });
        server.Changed += changed.Notify;
        var alice = server.AddScriptedUser(Guild, 3001);
        await Wait.UntilAsync(() => server.GetDaveDeliveryService(Guild) is not null, changed, TimeSpan.FromSeconds(30), () => "Alice's DAVE join");
        return (server, alice);
    }

    private static async Task<T> ReadAsync<T>(EmulatedVoiceServer server, Func<Chorus.Emulators.Voice.Dave.EmulatedDaveDeliveryService, T> read)
    {
        T value = default!;
        await server.ScriptDaveDeliveryServiceAsync(Guild, g => value = read(g));
        return value;
    }
}
