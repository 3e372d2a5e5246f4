using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;

namespace Chorus.Discord.Tests.Voice;

[EndToEnd]
public sealed class VoiceBadInputTests
{
    [Fact]
    public async Task Unknown_opcodes_and_malformed_gateway_messages_are_counted_not_fatal()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, 600);
        string[] junk =
        [
            """{"op":12,"d":{"user_id":"1","audio_ssrc":5}}""",
            """{"op":18,"d":{"user_id":"600","flags":2}}""",
            """{"op":99,"d":null}""",
            "not json at all",
            """{"d":{}}""",
            """{"op":5,"d":{"user_id":"nope","ssrc":1}}""",
            """{"op":5,"d":"string"}""",
            """[1,2,3]""",
        ];
        foreach (var text in junk)
        {
            await h.Server.SendRawAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, text);
        }

        await h.WaitUntilAsync(() => h.Totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.UnknownOpcode) == 3 && h.Totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed) == 5, "junk counted");
        Assert.Equal(VoiceConnectionState.Ready, h.Connection.State);

        // Still fully working.
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.2), 48000);
        await h.WaitUntilAsync(() => h.Heard(600).Length >= 3200, "audio after the junk");
    }

    [Fact]
    public async Task A_gateway_message_over_the_size_cap_is_dropped_and_counted_not_buffered()
    {
        await using var h = await VoiceTestHarness.StartAsync(connect: false);
        await h.ConnectAsync(options: new VoiceConnectionOptions { MaxMessageBytes = 64 * 1024 });
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, 602);

        // 1 MiB of valid JSON: read to its end and dropped; the next message is handled as usual.
        await h.Server.SendRawAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, "{\"op\":99,\"d\":\"" + new string('x', 1024 * 1024) + "\"}");
        await h.Server.SendRawAsync(VoiceTestHarness.Guild, VoiceTestHarness.Bot, """{"op":99,"d":null}""");

        await h.WaitUntilAsync(() => h.Totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.Malformed) == 1 && h.Totals.Total(DiscordMetrics.VoiceGatewayMessagesDroppedName, MetricTag.UnknownOpcode) == 1, "oversized message counted, next one read");
        Assert.Equal(VoiceConnectionState.Ready, h.Connection.State);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.2), 48000);
        await h.WaitUntilAsync(() => h.Heard(602).Length >= 3200, "audio after the oversized message");
    }

    [Fact]
    public async Task Hostile_udp_datagrams_are_dropped_by_reason_and_audio_continues()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, 601);
        var random = new Random(99);
        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            h.Server.InjectDatagram(VoiceTestHarness.Guild, VoiceTestHarness.Bot, junk);
        }
        // Authentic but empty and garbage Opus, and a bad RTP version, sealed with the bot's real key.
        h.Server.InjectDatagram(VoiceTestHarness.Guild, VoiceTestHarness.Bot, h.Server.SealFor(VoiceTestHarness.Guild, VoiceTestHarness.Bot, alice.Ssrc, 1, 960, [])!);
        h.Server.InjectDatagram(VoiceTestHarness.Guild, VoiceTestHarness.Bot, h.Server.SealFor(VoiceTestHarness.Guild, VoiceTestHarness.Bot, alice.Ssrc, 2, 1920, [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x13])!);
        var badVersion = h.Server.SealFor(VoiceTestHarness.Guild, VoiceTestHarness.Bot, alice.Ssrc, 3, 2880, [1, 2, 3])!;
        badVersion[0] = (byte)((badVersion[0] & 0x3F) | 0x40);
        h.Server.InjectDatagram(VoiceTestHarness.Guild, VoiceTestHarness.Bot, badVersion);

        // The hostile datagrams raise no event; Alice's audio follows them through the same server socket to the same
        // client socket, so once it is heard the receive loop has been through all of them.
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.2), 48000);
        await h.WaitUntilAsync(() => h.Heard(601).Length >= 3200, "audio after the junk");
        var c = h.Totals;
        Assert.True(c.Total(DiscordMetrics.PacketsReceivedName) >= 53, c.ToString());
        Assert.True(c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.EmptyPayload) >= 1, c.ToString());
        Assert.True(c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.NotRtp) + c.Total(DiscordMetrics.KeepalivesReceivedName) + c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.TooShort) + c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Rtcp) + c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.AuthenticationFailed) >= 50, c.ToString());
        Assert.Equal(VoiceConnectionState.Ready, h.Connection.State);
    }
}
