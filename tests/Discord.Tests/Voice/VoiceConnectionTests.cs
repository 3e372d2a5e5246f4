using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Opus;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Voice;

[EndToEnd]
public sealed class VoiceConnectionTests
{
    private const ulong Alice = 555;

    private static async Task AssertHearsAsync(VoiceTestHarness h, ScriptedVoiceUser user, int announceAfterFrames = 0)
    {
        var before = h.Heard(user.UserId).Length;
        var chirp = AudioSignals.Chirp(48000, 0.6);
        await user.SpeakAsync(chirp, 48000, announceAfterFrames);
        var reference = AudioSignals.Chirp(OpusFormat.ReceiveSampleRate, 0.6);
        await h.WaitUntilAsync(() => h.Heard(user.UserId).Length - before >= reference.Length + 1600, "the scripted user's chirp and its silence tail");
        var heard = h.Heard(user.UserId)[before..];
        var (correlation, _) = AudioSignals.BestCorrelation(reference, heard, 3200);
        Assert.True(correlation > 0.8, $"correlation {correlation:F3}");
    }

    [Fact]
    public async Task Joins_and_hears_a_scripted_user_at_16_kHz()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice);
        await h.WaitUntilAsync(() => h.Connection.ConnectedUsers.Contains(Alice), "op 11 for the scripted user");

        await AssertHearsAsync(h, alice);

        Assert.Equal(VoiceConnectionState.Ready, h.Connection.State);
        Assert.Equal("aead_aes256_gcm_rtpsize", h.Connection.EncryptionMode);
        var counters = h.Totals;
        Assert.Equal(0, counters.Total(DiscordMetrics.PacketsDroppedName, MetricTag.AuthenticationFailed));
        Assert.Equal(0, counters.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Malformed));
        Assert.Equal(0, counters.Total(DiscordMetrics.PacketsDroppedName, MetricTag.DecodeFailed));
        Assert.True(counters.Total(DiscordMetrics.FramesDeliveredName) >= 30);
        var info = h.Server.GetParticipant(VoiceTestHarness.Guild, VoiceTestHarness.Bot)!;
        Assert.Equal(0, info.MaxDaveVersion);
    }

    [Fact]
    public async Task Speaks_to_a_scripted_user_from_24_kHz_pcm()
    {
        await using var h = await VoiceTestHarness.StartAsync();
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice, recordSampleRate: OpusFormat.SendSampleRate);
        var chirp = AudioSignals.Chirp(OpusFormat.SendSampleRate, 0.6);

        Assert.Equal(chirp.Length, h.Connection.Sender.Push(chirp));
        var heard = await alice.WaitForHeardAsync(VoiceTestHarness.Bot, chirp.Length + 5 * 480, VoiceTestHarness.Timeout);

        var (correlation, _) = AudioSignals.BestCorrelation(chirp, heard, 4800);
        Assert.True(correlation > 0.8, $"correlation {correlation:F3}");
        await h.WaitUntilAsync(() => !h.Connection.Sender.IsSpeaking, "speaking off after the silence tail");
        Assert.Equal(5, h.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence));
        Assert.Equal(chirp.Length / 480, h.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Audio));
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.TalkSpurtsName));
    }

    [Fact]
    public async Task Works_over_tls_with_xchacha20_poly1305()
    {
        await using var h = await VoiceTestHarness.StartAsync(new EmulatedVoiceServerOptions { Modes = ["aead_xchacha20_poly1305_rtpsize"] }, tls: true);
        var alice = h.Server.AddScriptedUser(VoiceTestHarness.Guild, Alice);
        Assert.Equal("aead_xchacha20_poly1305_rtpsize", h.Connection.EncryptionMode);
        await AssertHearsAsync(h, alice);
    }
}
