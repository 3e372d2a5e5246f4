using Chorus.Discord.Diagnostics;
using Chorus.Emulators.Gemini;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini.Diagnostics;

namespace Chorus.EndToEnd.Bridge;

/// <summary>Gemini-side failures in the middle of a conversation, as the users in the channel live them.</summary>
[EndToEnd]
public sealed class ResilienceTests
{
    private const ulong Alice = 601;

    [Fact]
    public async Task Words_spoken_while_gemini_drops_with_1011_still_reach_the_model()
    {
        await using var h = await BridgeHarness.StartAsync(new GeminiEmulatorOptions { InternalErrorAfterAudio = TimeSpan.FromMilliseconds(400) });
        var alice = h.AddUser(Alice);

        await alice.SpeakAsync(AudioSignals.Chirp(48000, 1.2), 48000);
        await h.WaitForTurnCompleteAsync();

        var received = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(h.GeminiServer.Recording.AllAudio()).ToArray();
        var whole = AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 1.2), received, 1600, 16000);
        Assert.True(h.GeminiServer.Recording.Connections.Count >= 2, "the emulator closed with 1011 and the conversation came back");
        Assert.True(h.GeminiTotals.Total(GeminiMetrics.Instruments.Reconnects) >= 1);
        Assert.True(whole > 0.8, $"every part of the utterance reached the model: {whole:F3}");
        Assert.Equal(0, h.UplinkDropped);
    }

    [Fact]
    public async Task A_goaway_switch_over_keeps_the_conversation_going_without_losing_audio()
    {
        await using var h = await BridgeHarness.StartAsync(new GeminiEmulatorOptions { GoAwayAfter = TimeSpan.FromMilliseconds(700), MaxGoAways = 1 });
        var alice = h.AddUser(Alice);

        // The first utterance spans the goAway: the switch-over happens while she talks.
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 1.5), 48000);
        await h.GeminiServer.Recording.WaitUntilAsync(r => r.Connections.Count >= 2, BridgeHarness.Timeout);
        await h.WaitForTurnCompleteAsync();
        var received = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(h.GeminiServer.Recording.AllAudio()).ToArray();
        var whole = AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 1.5), received, 1600, 16000);

        // After the switch the conversation carries on: the next utterance reaches the new connection whole
        // and is answered.
        await h.GeminiServer.Recording.WaitUntilAsync(r => r.Turns.All(t => t.CompletedAt is not null || t.Interrupted), BridgeHarness.Timeout);
        await h.WaitUntilBotSilentAsync();
        var before = alice.Heard(BridgeHarness.Bot).Length;
        h.ResetTurnSignal();
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6, f0: 700, f1: 2000), 48000);
        await h.WaitForTurnCompleteAsync();
        await alice.WaitForHeardAsync(BridgeHarness.Bot, before + 24000 / 2, BridgeHarness.Timeout);
        var second = h.GeminiServer.Recording.Connections[^1].AudioReceived();
        var secondUtterance = AudioSignals.SegmentedCorrelation(
            AudioSignals.Chirp(16000, 0.6, f0: 700, f1: 2000), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(second), 1600, second.Length / 2);

        Assert.True(h.GeminiTotals.Total(GeminiMetrics.Instruments.Handovers) >= 1, "the conversation switched to a new connection");
        Assert.True(h.GeminiServer.Recording.Connections.Count >= 2);
        Assert.True(whole > 0.8, $"every part of the utterance spoken across the switch reached the model: {whole:F3}");
        Assert.True(secondUtterance > 0.8, $"the next utterance reached the new connection whole: {secondUtterance:F3}");
        Assert.Equal(0, h.UplinkDropped);
    }

    [Fact]
    public async Task Interrupting_the_bot_stops_its_reply_at_once()
    {
        await using var h = await BridgeHarness.StartAsync(new GeminiEmulatorOptions { ReplySpeedup = 8 });
        var alice = h.AddUser(Alice);

        await alice.SpeakAsync(AudioSignals.Chirp(48000, 3.0), 48000);
        // Wait until the bot is half a second into its 3-second answer, then talk over it.
        await alice.WaitForHeardAsync(BridgeHarness.Bot, 12000, BridgeHarness.Timeout);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6, f0: 500, f1: 900), 48000);
        await h.WaitForTurnCompleteAsync();

        Assert.True(h.BridgeTotals.Total(GatewayMetrics.Instruments.Interruptions) >= 1, "the bot was interrupted");
        Assert.Equal(0, h.BridgeTotals.Total(GatewayMetrics.Instruments.FramesAfterInterrupt));
        var sent = h.DiscordTotals.Total(DiscordMetrics.PacketsSentName, MetricTag.Audio);
        Assert.True(sent < 3.0 / 0.020, $"{sent} reply frames sent: the 3-second answer was cut short");
    }

    [Fact]
    public async Task Half_duplex_mutes_the_uplink_while_the_bot_talks_so_it_is_not_interrupted()
    {
        await using var h = await BridgeHarness.StartAsync(
            new GeminiEmulatorOptions { ReplySpeedup = 8 }, new StreamingBridgeOptions { HalfDuplex = true });
        var alice = h.AddUser(Alice);

        // A 3-second answer, talked over from half a second in for 0.4 s: seconds of margin on a loaded machine.
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 3.0), 48000);
        await alice.WaitForHeardAsync(BridgeHarness.Bot, 12000, BridgeHarness.Timeout);
        var beforeTalkOver = h.GeminiServer.Recording.AllAudio().Length;
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.4, f0: 500, f1: 900), 48000);
        await h.WaitForTurnCompleteAsync();
        await h.WaitUntilBotSilentAsync();

        Assert.Equal(0, h.BridgeTotals.Total(GatewayMetrics.Instruments.Interruptions));
        Assert.True(h.Bridge.Gate.FramesMuted >= 25, $"{h.Bridge.Gate.FramesMuted} frames muted while the bot talked");
        Assert.Equal(beforeTalkOver, h.GeminiServer.Recording.AllAudio().Length);
        var sent = h.DiscordTotals.Total(DiscordMetrics.PacketsSentName, MetricTag.Audio);
        Assert.True(sent >= 3.0 / 0.020 - 2, $"{sent} reply frames: the 3-second answer played whole");
    }

    [Fact]
    public async Task Half_duplex_switched_on_in_a_running_conversation_mutes_the_uplink_while_the_bot_talks()
    {
        await using var h = await BridgeHarness.StartAsync(new GeminiEmulatorOptions { ReplySpeedup = 8 });
        var alice = h.AddUser(Alice);

        // As /settings half-duplex does through the runner: the bridge was attached without it.
        h.Bridge.ApplySwitches(halfDuplex: true, localBargeIn: true);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 3.0), 48000);
        await alice.WaitForHeardAsync(BridgeHarness.Bot, 12000, BridgeHarness.Timeout);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.4, f0: 500, f1: 900), 48000);
        await h.WaitForTurnCompleteAsync();
        await h.WaitUntilBotSilentAsync();

        Assert.Equal((true, true), h.Bridge.Switches);
        Assert.Equal(0, h.BridgeTotals.Total(GatewayMetrics.Instruments.Interruptions));
        Assert.True(h.Bridge.Gate.FramesMuted >= 15, $"{h.Bridge.Gate.FramesMuted} frames muted while the bot talked");
    }
}
