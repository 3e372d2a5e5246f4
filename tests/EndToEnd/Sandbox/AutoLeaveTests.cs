using Chorus.Grains.Sessions;
using Chorus.Sandbox.Scenario;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.EndToEnd.Sandbox;

public sealed class AutoLeaveTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task When_the_last_person_leaves_the_bot_ends_the_conversation_and_leaves_the_channel()
    {
        await using var world = await SandboxWorld.StartAsync(TextWriter.Null, Wait, ["--Discord:AutoLeaveAfter=00:00:01"], CancellationToken.None);
        var join = await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait);
        Assert.StartsWith("Joined", join, StringComparison.Ordinal);
        var guildKey = unchecked((long)SandboxScenario.GuildId);
        Assert.True(world.Runner.IsRunning(guildKey));
        var bot = new Chorus.Emulators.Discord.DiscordEmulatorOptions().BotUserId;

        await world.Discord.UserLeavesVoiceAsync(SandboxScenario.GuildId, SandboxScenario.UserId);

        Assert.True(await SandboxScenario.WaitUntilAsync(() => !world.Runner.IsRunning(guildKey), Wait), "the conversation ended");
        Assert.True(await SandboxScenario.WaitUntilAsync(() => world.Discord.GetVoiceChannel(SandboxScenario.GuildId, bot) is null, Wait),
            "the bot left the voice channel");
        Assert.True(await SandboxScenario.WaitUntilAsync(
            () => world.Voice.GetParticipant(SandboxScenario.GuildId, bot) is not { Connected: true }, Wait), "the voice socket closed");
        var grain = world.App.Services.GetRequiredService<IClusterClient>().GetGrain<IVoiceSessionGrain>(guildKey);
        // The runner records the session's end in the grain after it has closed both sides.
        using var deadline = new CancellationTokenSource(Wait);
        var session = await grain.GetAsync();
        while (session.State != VoiceSessionState.Idle && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
            session = await grain.GetAsync();
        }
        Assert.Equal(VoiceSessionState.Idle, session.State);
        Assert.Equal("everyone left the voice channel", session.LastLeaveReason);
        await world.Gemini!.Recording.Connections[^1].Closed.WaitAsync(Wait);
    }
}
