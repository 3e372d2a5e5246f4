using System.Globalization;
using Chorus.Emulators.Discord;

namespace Chorus.Interop.Discord;

/// <summary>discord.js, a client nobody here wrote, against the Discord emulator: REST base and gateway both pointed at it.</summary>
[EndToEnd]
public sealed class DiscordJsInteropTests
{
    private const ulong GuildId = 10UL << 22;
    private const ulong OwnerId = 500;
    private const ulong TextChannelId = 9001;
    private const ulong VoiceChannelId = 9002;
    private const ulong AliceId = 501;
    private const ulong BobId = 502;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Id(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Discord_js_becomes_ready_sees_voice_states_heartbeats_and_replies_to_an_interaction()
    {
        await using var emulator = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions { HeartbeatIntervalMs = 1000 });
        await emulator.AddGuildAsync(new EmulatedGuild(GuildId, "Interop guild", OwnerId)
            .WithChannel(new EmulatedChannel(TextChannelId, "general", EmulatedChannel.Text))
            .WithChannel(new EmulatedChannel(VoiceChannelId, "Voice", EmulatedChannel.Voice))
            .WithMember(new EmulatedMember(AliceId, "alice", []))
            .WithMember(new EmulatedMember(BobId, "bob", []))
            .WithVoiceState(AliceId, VoiceChannelId));

        await using var node = NodeScript.Start("discord-client.mjs", new Dictionary<string, string>
        {
            ["DISCORD_API"] = emulator.ApiRoot,
            ["DISCORD_TOKEN"] = emulator.Options.Token,
            ["DISCORD_GUILD"] = Id(GuildId),
        });

        var ready = await node.WaitForEventAsync("ready", Timeout);
        Assert.Equal(Id(emulator.Options.BotUserId), ready["user"]!.GetValue<string>());
        Assert.Equal(Id(emulator.Options.ApplicationId), ready["application"]!.GetValue<string>());
        Assert.Equal("Interop guild", ready["guildName"]!.GetValue<string>());
        var voiceState = Assert.Single(ready["voiceStates"]!.AsArray())!;
        Assert.Equal((Id(AliceId), Id(VoiceChannelId)), (voiceState["user"]!.GetValue<string>(), voiceState["channel"]!.GetValue<string>()));
        Assert.Contains(ready["channels"]!.AsArray(), c => c!["id"]!.GetValue<string>() == Id(VoiceChannelId) && c["type"]!.GetValue<int>() == 2);

        // discord.js fetched the gateway URL from our GET /gateway/bot and identified with its token.
        Assert.Contains(emulator.RestRequests.Snapshot(), r => r.Path == "/api/v10/gateway/bot" && r.Status == 200);
        var identify = Assert.Single(emulator.Identifies.Snapshot());
        Assert.True(identify.TokenValid);
        Assert.Equal(129, identify.Intents);

        await emulator.Heartbeats.WaitForAsync(h => h.Acked && h.Seq is not null, Timeout);

        await emulator.UserJoinsVoiceAsync(GuildId, BobId, VoiceChannelId);
        await node.WaitForEventAsync("voiceState", Timeout);

        var interaction = await emulator.InvokeCommandAsync(GuildId, TextChannelId, BobId, "status");
        var seen = await node.WaitForEventAsync("interaction", Timeout);
        Assert.Equal(("status", Id(BobId), Id(GuildId)), (seen["name"]!.GetValue<string>(), seen["user"]!.GetValue<string>(), seen["guild"]!.GetValue<string>()));

        var reply = await emulator.InteractionReplies.WaitForAsync(r => r.Token == interaction.Token, Timeout);
        Assert.Equal(InteractionReplyKind.Callback, reply.Kind);
        Assert.Equal(4, reply.CallbackType);
        Assert.Equal(64, reply.Flags & 64);
        Assert.Equal("pong from discord.js to " + Id(BobId), reply.Content);
        await node.WaitForEventAsync("replied", Timeout);
    }
}
