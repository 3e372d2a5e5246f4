using Chorus.Discord.Diagnostics;
using Chorus.Gateway.Diagnostics;

namespace Chorus.EndToEnd.Bridge;

[EndToEnd]
public sealed class ConversationTests
{
    private const ulong Alice = 501;
    private const ulong Bob = 502;

    [Fact]
    public async Task A_user_is_heard_by_the_model_and_hears_its_answer()
    {
        await using var h = await BridgeHarness.StartAsync();
        var alice = h.AddUser(Alice);
        var spoken = AudioSignals.Chirp(48000, 0.8);

        await alice.SpeakAsync(spoken, 48000);
        var expected = AudioSignals.Chirp(24000, 0.8);
        var heard = await alice.WaitForHeardAsync(BridgeHarness.Bot, expected.Length + 2400, BridgeHarness.Timeout);
        await h.WaitForTurnCompleteAsync();

        var (correlation, _) = AudioSignals.BestCorrelation(expected, heard, 9600);
        Assert.True(correlation > 0.7, $"the echoed answer correlates with what was said: {correlation:F3}");
        var framesToGemini = h.BridgeTotals.Total(GatewayMetrics.Instruments.UplinkFrames);
        Assert.True(framesToGemini >= 35, $"{framesToGemini} frames reached Gemini");
        Assert.True(h.BridgeTotals.Total(GatewayMetrics.Instruments.UplinkStreamEnds) >= 1);
        Assert.Equal(0, h.UplinkDropped);
        var audioSecondsOut = h.Bridge.Usage.Totals.AudioSecondsOut;
        Assert.True(audioSecondsOut >= 0.75, $"{audioSecondsOut} s of answer");
        Assert.Equal(1, h.BridgeTotals.Total(GatewayMetrics.Instruments.Turns));
        Assert.True(h.Bridge.Latency.Uplink.Count >= 35);
        Assert.Equal(1, h.Bridge.Latency.Downlink.Count);
        Assert.NotEmpty(h.ResumptionHandles);
        // Silence is billed: nothing but the short tail went up after the user stopped.
        Assert.True(framesToGemini <= 40 + 15 + 1, $"{framesToGemini} frames sent for 0.8 s of speech");
    }

    [Fact]
    public async Task Two_users_speaking_at_once_are_both_heard()
    {
        await using var h = await BridgeHarness.StartAsync();
        var alice = h.AddUser(Alice);
        var bob = h.AddUser(Bob);
        var low = AudioSignals.Chirp(48000, 0.8, f0: 300, f1: 800, amplitude: 0.3);
        var high = AudioSignals.Chirp(48000, 0.8, f0: 1500, f1: 2500, amplitude: 0.3);

        await Task.WhenAll(alice.SpeakAsync(low, 48000), bob.SpeakAsync(high, 48000));
        await h.WaitForTurnCompleteAsync();

        var received = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(h.GeminiServer.Recording.AllAudio()).ToArray();
        // Each voice is about half the mix's energy, so a perfect mix correlates ~0.7 with either one.
        var withAlice = AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 0.8, f0: 300, f1: 800, amplitude: 0.3), received, 1600, 9600);
        var withBob = AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 0.8, f0: 1500, f1: 2500, amplitude: 0.3), received, 1600, 9600);
        Assert.True(withAlice > 0.5, $"Alice in the mix: {withAlice:F3}");
        Assert.True(withBob > 0.5, $"Bob in the mix: {withBob:F3}");
        Assert.True(h.Bridge.Mixer.FramesMixed >= 40);
    }

    [Fact]
    public async Task A_user_joining_late_is_mapped_and_heard()
    {
        await using var h = await BridgeHarness.StartAsync();
        var alice = h.AddUser(Alice);
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.4), 48000);
        await h.WaitForTurnCompleteAsync();
        h.ResetTurnSignal();
        await h.WaitUntilBotSilentAsync();
        var before = h.GeminiServer.Recording.AllAudio().Length;

        // Bob joins a conversation already under way, and his first packets arrive before his speaking event maps
        // his SSRC (as happens when op 5 is late): the voice layer holds them until the mapping arrives.
        var bob = h.AddUser(Bob);
        var spoken = AudioSignals.Chirp(48000, 0.8, f0: 500, f1: 2000);
        await bob.SpeakAsync(spoken, 48000, announceAfterFrames: 5);
        await h.WaitForTurnCompleteAsync();
        var heard = await bob.WaitForHeardAsync(BridgeHarness.Bot, 24000 * 8 / 10 + 2400, BridgeHarness.Timeout);

        var received = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(h.GeminiServer.Recording.AllAudio().AsSpan(before)).ToArray();
        var withBob = AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 0.8, f0: 500, f1: 2000), received, 1600, 9600);
        Assert.True(withBob > 0.7, $"the model heard Bob: {withBob:F3}");
        var (answer, _) = AudioSignals.BestCorrelation(AudioSignals.Chirp(24000, 0.8, f0: 500, f1: 2000), heard, 9600);
        Assert.True(answer > 0.7, $"Bob heard the answer to his words: {answer:F3}");
        Assert.Equal(2, h.BridgeTotals.Total(GatewayMetrics.Instruments.Turns));
        Assert.True(h.DiscordTotals.Total(DiscordMetrics.PacketsHeldName) >= 1, "early packets were held for the unknown SSRC");
        Assert.Equal(0, h.DiscordTotals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.UnknownSsrc));
    }
}
