using Chorus.Grains.Sessions;
using Chorus.Sandbox.Scenario;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.EndToEnd.Sandbox;

[EndToEnd]
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

        // The watcher asks Discord to leave; the runner reports itself running until it has closed both sides and
        // recorded the end in the grain (a second request to leave is not sent: the bot is no longer in the channel).
        await world.Discord.VoiceStateCommands.WaitForCountAsync(1, Wait, c => c.GuildId == SandboxScenario.GuildId && c.ChannelId is null);
        Assert.True(await SandboxScenario.WaitUntilAsync(() => !world.Runner.IsRunning(guildKey), Wait), "the conversation ended");
        var grain = world.App.Services.GetRequiredService<IClusterClient>().GetGrain<IVoiceSessionGrain>(guildKey);
        var session = await grain.GetAsync();
        Assert.True(await SandboxScenario.WaitUntilAsync(() => world.Discord.GetVoiceChannel(SandboxScenario.GuildId, bot) is null, Wait),
            "the bot left the voice channel");
        await Chorus.TestSupport.Wait.UntilAsync(() => world.Voice.GetParticipant(SandboxScenario.GuildId, bot) is not { Connected: true },
            changed => world.Voice.Changed += changed, changed => world.Voice.Changed -= changed, Wait, () => "the voice socket to close");
        Assert.Equal(VoiceSessionState.Idle, session.State);
        Assert.Equal("everyone left the voice channel", session.LastLeaveReason);
        await world.Gemini!.Recording.Connections[^1].Closed.WaitAsync(Wait);
    }
}
