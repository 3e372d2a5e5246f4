using System.Globalization;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Send;

namespace Chorus.Interop.Voice;

/// <summary>
/// Two participants speak a one-second chirp at the same time, as people do, and each must hear the other's:
/// normalised correlation above 0.8 against the analytic chirp.
/// </summary>
internal static class ChirpExchange
{
    private const double MinCorrelation = 0.8;
    private const double MinSegmentCorrelation = 0.9;
    private static readonly short[] HeardByNode = AudioSignals.Chirp(48000, 1.0);

    /// <summary>
    /// Our client and a reference client hear each other (each records the other one). <paramref name="meanwhile"/>
    /// runs while both are talking (e.g. someone joining the call, so the epoch changes under the audio).
    /// </summary>
    public static async Task BotAndNodeAsync(InteropVoiceCall call, InteropBot bot, NodeVoicePeer node, double seconds = 1.0, Func<Task>? meanwhile = null)
    {
        var heardByBot = AudioSignals.Chirp(OpusFormat.ReceiveSampleRate, seconds);
        var heardByNode = AudioSignals.Chirp(48000, seconds);
        var heardEnough = bot.StartListening(heardByBot.Length + 1600);
        var silenceBefore = bot.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence);
        bot.Connection.Sender.Push(AudioSignals.Chirp(OpusFormat.SendSampleRate, seconds));
        await node.SendAsync(string.Create(CultureInfo.InvariantCulture, $"play {seconds}"));
        if (meanwhile is not null)
        {
            await meanwhile();
        }

        await heardEnough.WaitAsync(InteropVoiceCall.Timeout);
        await node.NextEventAsync("played", InteropVoiceCall.Timeout);
        // Our sender closes a talk spurt with silence frames: once they went out, the whole chirp did.
        var sender = bot.Connection.Sender;
        var frameSent = new ChangeSignal();
        Action<VoiceFrameSent> onFrameSent = _ => frameSent.Notify();
        sender.FrameSent += onFrameSent;
        try
        {
            await Wait.UntilAsync(() => bot.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence) >= silenceBefore + 5, frameSent, InteropVoiceCall.Timeout, () => "our chirp to be sent");
        }
        finally
        {
            sender.FrameSent -= onFrameSent;
        }
        var nodeHeard = await node.DumpHeardAsync(call.NewScratchFile("node-heard.pcm"), InteropVoiceCall.Timeout);

        var botSignal = bot.Heard();
        var (botHeard, botLag) = AudioSignals.BestCorrelation(heardByBot, botSignal, 8000);
        Assert.True(botHeard > MinCorrelation, $"our client heard @discordjs/voice with correlation {botHeard:F3}");
        AssertNoGlitch(heardByBot, botSignal, botLag, OpusFormat.ReceiveSampleRate / 10, "our client");
        Assert.True(nodeHeard.Length >= heardByNode.Length, $"@discordjs/voice heard {nodeHeard.Length} samples");
        var (nodeHeardBot, nodeLag) = AudioSignals.BestCorrelation(heardByNode, nodeHeard, 24000);
        TestContext.Current.TestOutputHelper?.WriteLine($"correlation heard by us {botHeard:F3} (lag {botLag}), by @discordjs/voice {nodeHeardBot:F3} (lag {nodeLag}); davey decryption {node.LastDecryption}");
        Assert.True(nodeHeardBot > MinCorrelation, $"@discordjs/voice heard our client with correlation {nodeHeardBot:F3}");
        AssertNoGlitch(heardByNode, nodeHeard, nodeLag, 4800, "@discordjs/voice");
        if (node.LastDecryption is { } davey)
        {
            // davey's own count: every DAVE frame of ours it was given, it could decrypt.
            Assert.Equal(0, davey.Failures);
            Assert.True(davey.Successes >= heardByNode.Length / 960, $"davey decrypted {davey.Successes} of our frames");
        }
    }

    /// <summary>Two reference clients hear each other (each records the other one).</summary>
    public static async Task NodeAndNodeAsync(InteropVoiceCall call, NodeVoicePeer first, NodeVoicePeer second)
    {
        await first.SendAsync("play");
        await second.SendAsync("play");
        await first.NextEventAsync("played", InteropVoiceCall.Timeout);
        await second.NextEventAsync("played", InteropVoiceCall.Timeout);
        foreach (var (listener, name) in new[] { (first, "first"), (second, "second") })
        {
            var heard = await listener.DumpHeardAsync(call.NewScratchFile($"{name}-heard.pcm"), InteropVoiceCall.Timeout);
            Assert.True(heard.Length >= HeardByNode.Length, $"the {name} @discordjs/voice client heard {heard.Length} samples");
            var (correlation, lag) = AudioSignals.BestCorrelation(HeardByNode, heard, 24000);
            Assert.True(correlation > MinCorrelation, $"the {name} @discordjs/voice client heard the other with correlation {correlation:F3}");
            AssertNoGlitch(HeardByNode, heard, lag, 4800, $"the {name} @discordjs/voice client");
            if (listener.LastDecryption is { } davey)
            {
                Assert.Equal(0, davey.Failures);
            }
        }
    }

    /// <summary>Each 100 ms (<paramref name="segment"/> samples) on its own: a short glitch hardly moves the whole-signal correlation.</summary>
    private static void AssertNoGlitch(short[] reference, short[] heard, int lag, int segment, string listener)
    {
        for (var start = 0; start + segment <= reference.Length; start += segment)
        {
            var (correlation, _) = AudioSignals.BestCorrelation(reference.AsSpan(start, segment), heard.AsSpan(lag + start), 0);
            Assert.True(correlation > MinSegmentCorrelation, $"{listener} heard the 100 ms from {start * 100 / segment} ms with correlation {correlation:F3}");
        }
    }
}
