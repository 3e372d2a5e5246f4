using System.Text.Json.Nodes;
using Chorus.Grains.Sessions;
using Chorus.Sandbox.Scenario;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.EndToEnd.Sessions;

/// <summary>
/// The whole bot against the emulators: the bot is disconnected from its voice channel, or the channel is deleted
/// under it. Either way the session ends the one way every session ends, says so where /join was run, and /status
/// shows why.
/// </summary>
[EndToEnd]
public sealed class SessionEndingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly ulong Bot = new Chorus.Emulators.Discord.DiscordEmulatorOptions().BotUserId;
    private static long GuildKey => unchecked((long)SandboxScenario.GuildId);

    [Fact]
    public async Task A_bot_disconnected_from_its_channel_says_so_ends_the_session_and_status_shows_why()
    {
        await using var world = await SandboxWorld.StartAsync(TextWriter.Null, Wait, [], CancellationToken.None);
        Assert.StartsWith("Joined", await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait), StringComparison.Ordinal);

        // What Discord sends when a moderator disconnects the bot: its voice state with no channel.
        await world.Discord.UserLeavesVoiceAsync(SandboxScenario.GuildId, Bot);

        var post = await world.Discord.ChannelMessages.WaitForAsync(m => m.ChannelId == SandboxScenario.TextChannelId, Wait);
        var text = post.Body?["content"]?.GetValue<string>() ?? "";
        Assert.Contains("I was disconnected from", text, StringComparison.Ordinal);
        Assert.Contains("/join", text, StringComparison.Ordinal);
        var session = await EndedAsync(world);
        Assert.Equal(SessionEndReason.Disconnected, session.EndReason);
        Assert.True(await SandboxScenario.WaitUntilAsync(() => !world.Runner.IsRunning(GuildKey), Wait), "the runner dropped the session");
        await world.Gemini!.Recording.Connections[^1].Closed.WaitAsync(Wait);

        var status = await SandboxScenario.RunCommandAsync(world.Discord, "status", Wait);
        Assert.Contains("**Last session**: ended, the bot was disconnected", status, StringComparison.Ordinal);
        Assert.Single(world.Discord.ChannelMessages.Snapshot(), m => m.ChannelId == SandboxScenario.TextChannelId);
    }

    [Fact]
    public async Task A_deleted_voice_channel_ends_the_session_with_its_own_message()
    {
        await using var world = await SandboxWorld.StartAsync(TextWriter.Null, Wait, [], CancellationToken.None);
        Assert.StartsWith("Joined", await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait), StringComparison.Ordinal);

        await world.Discord.DispatchRawEventAsync(SandboxScenario.GuildId, "CHANNEL_DELETE", new JsonObject
        {
            ["id"] = SandboxScenario.VoiceChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["guild_id"] = SandboxScenario.GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = 2,
            ["name"] = "Lounge",
        });
        await world.Discord.UserLeavesVoiceAsync(SandboxScenario.GuildId, Bot);

        var post = await world.Discord.ChannelMessages.WaitForAsync(m => m.ChannelId == SandboxScenario.TextChannelId, Wait);
        Assert.Contains("was deleted", post.Body?["content"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        Assert.Equal(SessionEndReason.ChannelDeleted, (await EndedAsync(world)).EndReason);
    }

    /// <summary>The grain's record once it shows the session ended; re-read every 50 ms, for at most <see cref="Wait"/>.</summary>
    private static async Task<VoiceSessionSnapshot> EndedAsync(SandboxWorld world)
    {
        var grain = world.App.Services.GetRequiredService<IClusterClient>().GetGrain<IVoiceSessionGrain>(GuildKey);
        using var deadline = new CancellationTokenSource(Wait);
        while (true)
        {
            var snapshot = await grain.GetAsync();
            if (snapshot.HasEnded)
            {
                return snapshot;
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
