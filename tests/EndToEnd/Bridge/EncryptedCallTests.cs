using System.Runtime.InteropServices;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;

namespace Chorus.EndToEnd.Bridge;

/// <summary>The conversation as Discord runs it since March 2026: every voice frame end-to-end encrypted (DAVE).</summary>
[EndToEnd]
public sealed class EncryptedCallTests
{
    private const ulong Alice = 501;
    private const ulong Bob = 502;

    [Fact]
    public async Task A_conversation_in_an_end_to_end_encrypted_call_is_heard_both_ways()
    {
        await using var h = await BridgeHarness.StartAsync(dave: true);
        var alice = h.AddUser(Alice);
        var spoken = AudioSignals.Chirp(48000, 0.8);

        // Alice waits for the MLS group (she commits the bot's Add, or the bot hers) before she says a word.
        await alice.SpeakAsync(spoken, 48000);
        var heard = await alice.WaitForHeardAsync(BridgeHarness.Bot, 24000 * 8 / 10 + 2400, BridgeHarness.Timeout);
        await h.WaitForTurnCompleteAsync();

        var received = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(h.GeminiServer.Recording.AllAudio()).ToArray();
        var toModel = AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 0.8), received, 1600, 9600);
        Assert.True(toModel > 0.7, $"the model heard Alice through DAVE: {toModel:F3}");
        var (answer, _) = AudioSignals.BestCorrelation(AudioSignals.Chirp(24000, 0.8), heard, 9600);
        Assert.True(answer > 0.7, $"Alice heard the answer through DAVE: {answer:F3}");
        var bot = h.Dave!;
        Assert.Equal(1, bot.ProtocolVersion);
        Assert.NotNull(bot.PrivacyCode);
        Assert.Equal(bot.PrivacyCode, alice.Dave!.PrivacyCode);
        Assert.True(h.DiscordTotals.Total(DiscordMetrics.DaveFramesEncryptedName) >= 40, $"{h.DiscordTotals.Total(DiscordMetrics.DaveFramesEncryptedName)} frames encrypted by the bot");
        Assert.True(h.DiscordTotals.Total(DiscordMetrics.DaveFramesDecryptedName) >= 40, $"{h.DiscordTotals.Total(DiscordMetrics.DaveFramesDecryptedName)} frames decrypted by the bot");
        Assert.Equal(0, alice.DecryptFailures);
        Assert.Equal(0, alice.FramesNotReady);
        Assert.Equal(0, h.DiscordTotals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.FrameDecryptFailed));
        Assert.True(h.VoiceServer.Counters.DaveFramesRelayed >= 40, $"{h.VoiceServer.Counters.DaveFramesRelayed} of the bot's frames crossed the SFU encrypted");
    }

    [Fact]
    public async Task People_joining_and_leaving_an_encrypted_call_move_it_to_new_epochs_without_losing_the_conversation()
    {
        await using var h = await BridgeHarness.StartAsync(dave: true);
        var alice = h.AddUser(Alice);
        var bot = h.Dave!;
        await UntilAsync(() => bot.GroupMembers.Count == 2 && alice.Dave!.Epoch is { } e && bot.Epoch == e, "Alice in the bot's executed epoch", bot, alice.Dave!);
        var epochWithAlice = bot.Epoch!.Value;

        var bob = h.AddUser(Bob);
        await UntilAsync(() => bot.GroupMembers.Count == 3 && bob.Dave!.Epoch is { } e && bot.Epoch == e && alice.Dave!.Epoch == e, "Bob in everyone's executed epoch", bot, alice.Dave!, bob.Dave!);
        var epochWithBob = bot.Epoch!.Value;
        Assert.True(epochWithBob > epochWithAlice);
        Assert.Equal(bot.PrivacyCode, bob.Dave!.PrivacyCode);
        Assert.Equal(bot.PrivacyCode, alice.Dave!.PrivacyCode);

        await h.VoiceServer.RemoveScriptedUserAsync(BridgeHarness.Guild, Bob);
        await UntilAsync(() => bot.GroupMembers.Count == 2 && bot.Epoch > epochWithBob && alice.Dave!.Epoch == bot.Epoch, "Bob's removal executed", bot, alice.Dave!);
        Assert.DoesNotContain(Bob, bot.GroupMembers);
        Assert.Equal(bot.PrivacyCode, alice.Dave!.PrivacyCode);

        // The call goes on in the new epoch: Alice is heard and hears the answer.
        var before = h.GeminiServer.Recording.AllAudio().Length;
        await alice.SpeakAsync(AudioSignals.Chirp(48000, 0.6), 48000);
        var heard = await alice.WaitForHeardAsync(BridgeHarness.Bot, 24000 * 6 / 10 + 2400, BridgeHarness.Timeout);
        var received = MemoryMarshal.Cast<byte, short>(h.GeminiServer.Recording.AllAudio().AsSpan(before)).ToArray();
        Assert.True(AudioSignals.SegmentedCorrelation(AudioSignals.Chirp(16000, 0.6), received, 1600, 9600) > 0.7, "the model heard Alice after Bob left");
        Assert.True(AudioSignals.BestCorrelation(AudioSignals.Chirp(24000, 0.6), heard, 9600).Correlation > 0.7, "Alice heard the answer");
        Assert.Equal(0, alice.DecryptFailures);
        Assert.Equal(0, h.DiscordTotals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.FrameDecryptFailed));
    }

    /// <summary>Until a condition of the DAVE sessions holds, re-checked each time one of them handled a message.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what, params DaveSession[] sessions)
    {
        var changed = new ChangeSignal();
        Action notify = changed.Notify;
        foreach (var session in sessions)
        {
            session.Changed += notify;
        }

        try
        {
            await Wait.UntilAsync(condition, changed, BridgeHarness.Timeout, () => what);
        }
        finally
        {
            foreach (var session in sessions)
            {
                session.Changed -= notify;
            }
        }
    }
}
