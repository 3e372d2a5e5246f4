using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Rtp;
using Chorus.Discord.Voice.Send;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Discord.Tests.Voice;

public sealed class VoiceSenderTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)(i * 3)).ToArray();

    private sealed class CapturingSink : IVoiceDatagramSink
    {
        public List<byte[]> Datagrams { get; } = [];

        public bool Send(ReadOnlySpan<byte> datagram)
        {
            Datagrams.Add(datagram.ToArray());
            return true;
        }
    }

    private static (VoiceSender Sender, CapturingSink Sink, TransportCipher Cipher, List<bool> Speaking) Create(DiscordMetrics? metrics = null)
    {
        var cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key);
        var sink = new CapturingSink();
        var speaking = new List<bool>();
        var sender = new VoiceSender(metrics: metrics);
        sender.SpeakingChanged += speaking.Add;
        sender.SetTransport(cipher, 4321, sink);
        return (sender, sink, cipher, speaking);
    }

    private static (RtpHeader Header, byte[] Opus) Open(TransportCipher cipher, byte[] datagram)
    {
        Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(datagram, out var header));
        var scratch = new byte[2048];
        Assert.Equal(RtpOpenResult.Ok, RtpSizeTransport.Open(cipher, header, datagram, scratch, out var offset, out var length));
        return (header, scratch[offset..(offset + length)]);
    }

    [Fact]
    public void A_talk_spurt_is_framed_sequenced_and_ends_with_five_silence_frames_then_speaking_off()
    {
        var (sender, sink, cipher, speaking) = Create();
        sender.Push(AudioSignals.Chirp(OpusFormat.SendSampleRate, 0.1)); // 5 frames

        sender.OnTick(0);
        // The first spurt of a session only announces the SSRC (op 5) on its first tick.
        Assert.Equal([true], speaking);
        Assert.Empty(sink.Datagrams);
        for (var tick = 1; tick < 15; tick++)
        {
            sender.OnTick(tick);
        }

        Assert.Equal(10, sink.Datagrams.Count);
        var opened = sink.Datagrams.Select(d => Open(cipher, d)).ToList();
        for (var i = 1; i < opened.Count; i++)
        {
            Assert.Equal((ushort)(opened[0].Header.Sequence + i), opened[i].Header.Sequence);
            Assert.Equal(opened[0].Header.Timestamp + (uint)(960 * i), opened[i].Header.Timestamp);
        }
        Assert.All(opened, o => Assert.Equal(4321u, o.Header.Ssrc));
        Assert.All(opened.Take(5), o => Assert.False(OpusSilence.IsSilence(o.Opus)));
        Assert.All(opened.Skip(5), o => Assert.True(OpusSilence.IsSilence(o.Opus)));
        Assert.Equal([true, false], speaking);
        // Each datagram carries a distinct nonce counter.
        Assert.Equal(10, sink.Datagrams.Select(d => BitConverter.ToUInt32(d.AsSpan(d.Length - 4))).Distinct().Count());
    }

    /// <summary>
    /// Between talk spurts the receiver's decoder digests the Opus silence frames while our encoder sits idle: unless the
    /// encoder starts each spurt fresh, the two disagree and the next spurt has an audible glitch (measured with
    /// @discordjs/voice: one 100 ms stretch of the second spurt at correlation 0.67).
    /// </summary>
    [Fact]
    public void Every_talk_spurt_decodes_cleanly_after_the_silence_frames_of_the_one_before()
    {
        var (sender, sink, cipher, _) = Create();
        var decoder = Concentus.OpusCodecFactory.CreateDecoder(48000, 1);
        var reference = AudioSignals.Chirp(48000, 1.0);
        var pcm = new short[5760];
        var tick = 0;
        for (var spurt = 0; spurt < 3; spurt++)
        {
            sink.Datagrams.Clear();
            sender.Push(AudioSignals.Chirp(OpusFormat.SendSampleRate, 1.0));
            for (var i = 0; i < 60; i++)
            {
                sender.OnTick(tick++);
            }

            Assert.False(sender.IsSpeaking);

            var heard = new List<short>();
            foreach (var datagram in sink.Datagrams)
            {
                var samples = decoder.Decode(Open(cipher, datagram).Opus, pcm, pcm.Length);
                heard.AddRange(pcm.AsSpan(0, samples).ToArray());
            }

            var signal = heard.ToArray();
            var (whole, lag) = AudioSignals.BestCorrelation(reference, signal, 4800);
            Assert.True(whole > 0.99, $"spurt {spurt}: correlation {whole:F3}");
            for (var start = 0; start + 4800 <= reference.Length; start += 4800)
            {
                var (segment, _) = AudioSignals.BestCorrelation(reference.AsSpan(start, 4800), signal.AsSpan(lag + start), 0);
                Assert.True(segment > 0.95, $"spurt {spurt}, {start / 48} ms: correlation {segment:F3}");
            }
        }
    }

    [Fact]
    public void Clear_drops_queued_audio_at_once_and_ends_the_spurt()
    {
        var (sender, sink, _, speaking) = Create();
        sender.Push(AudioSignals.Chirp(OpusFormat.SendSampleRate, 2.0));
        sender.OnTick(0);
        sender.OnTick(1);
        sender.OnTick(2);
        sender.Clear();
        Assert.Equal(0, sender.Playout.Count);
        for (var tick = 3; tick < 20; tick++)
        {
            sender.OnTick(tick);
        }

        Assert.Equal(2 + 5, sink.Datagrams.Count);
        Assert.Equal([true, false], speaking);
        Assert.Equal(1, sender.Clears);
    }

    [Fact]
    public void Later_spurts_start_at_once_and_a_new_session_announces_again()
    {
        var (sender, sink, cipher, speaking) = Create();
        sender.Push(new short[480]);
        for (var tick = 0; tick < 10; tick++)
        {
            sender.OnTick(tick);
        }

        Assert.Equal(6, sink.Datagrams.Count);

        sender.Push(new short[480]);
        sender.OnTick(10);
        Assert.Equal(7, sink.Datagrams.Count);
        Assert.Equal([true, false, true], speaking);

        sender.SetTransport(cipher, 999, sink);
        sender.Push(new short[480]);
        sender.OnTick(11);
        Assert.Equal(7, sink.Datagrams.Count);
        Assert.Equal([true, false, true, true], speaking);
    }

    [Fact]
    public void Without_a_transport_audio_keeps_draining_and_nothing_is_sent()
    {
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var sender = new VoiceSender(metrics: metrics);
        sender.Push(new short[480 * 3]);
        sender.OnTick(0);
        Assert.Equal(480 * 2, sender.Playout.Count);
        Assert.Equal(1, totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.NotReady));
    }

    [Fact]
    public void Frame_sent_reports_schedule_and_send_times()
    {
        var (sender, _, _, _) = Create();
        var reports = new List<VoiceFrameSent>();
        sender.FrameSent += reports.Add;
        sender.Push(new short[480]);
        sender.OnTick(12325);
        sender.OnTick(12345);
        var report = Assert.Single(reports);
        Assert.Equal(12345, report.ScheduledAt);
        Assert.True(report.SentAt > 0);
        Assert.False(report.IsSilence);
    }

    [Fact]
    public void Playout_buffer_wraps_pads_and_reports_overflow()
    {
        var buffer = new PlayoutBuffer(TimeSpan.FromMilliseconds(50)); // 1200 samples
        var chunk = Enumerable.Range(1, 1000).Select(i => (short)i).ToArray();
        Assert.Equal(1000, buffer.Push(chunk));
        var frame = new short[480];
        Assert.Equal(480, buffer.Take(frame));
        Assert.Equal(680, buffer.Push(chunk));
        Assert.Equal(320, buffer.Overflowed);
        Assert.Equal(480, buffer.Take(frame));
        Assert.Equal(481, frame[0]);
        Assert.Equal(480, buffer.Take(frame));
        Assert.Equal(240, buffer.Take(frame));
        Assert.Equal(0, frame[240]);
        Assert.Equal(680, frame[239]);
    }

    [Fact]
    public void Playout_buffer_grows_from_two_seconds_as_a_reply_runs_ahead_keeping_order_across_the_wrap()
    {
        var buffer = new PlayoutBuffer(TimeSpan.FromSeconds(10));
        Assert.Equal(PlayoutBuffer.InitialSamples, buffer.Allocated);
        var frame = new short[480];
        short next = 0;
        short expected = 0;
        // Wrap the small ring first, so growing must unroll it in order.
        for (var i = 0; i < 150; i++)
        {
            buffer.Push([.. Enumerable.Range(0, 480).Select(_ => next++)]);
            buffer.Take(frame);
            Assert.Equal(expected, frame[0]);
            expected += 480;
        }
        // A long reply arrives far faster than real time: 7 s queued at once.
        for (var i = 0; i < 350; i++)
        {
            Assert.Equal(480, buffer.Push([.. Enumerable.Range(0, 480).Select(_ => next++)]));
        }

        Assert.Equal(350 * 480, buffer.Count);
        Assert.Equal(8 * 24000, buffer.Allocated);
        Assert.Equal(0, buffer.Overflowed);
        for (var i = 0; i < 350; i++)
        {
            Assert.Equal(480, buffer.Take(frame));
            Assert.Equal(expected, frame[0]);
            Assert.Equal((short)(expected + 479), frame[479]);
            expected += 480;
        }
        // Past the capacity it stops growing and counts what it had to drop.
        Assert.Equal(10 * 24000, buffer.Push(new short[11 * 24000]));
        Assert.Equal(10 * 24000, buffer.Allocated);
        Assert.Equal(24000, buffer.Overflowed);
    }

    /// <summary>Frame encryption that lets a test act at the moment a frame is on its way out.</summary>
    private sealed class InterceptingCryptor(Action onEncrypt) : Chorus.Discord.Voice.IVoiceFrameCryptor
    {
        public int GetMaxEncryptedLength(int frameLength) => frameLength;

        public bool TryEncrypt(ReadOnlySpan<byte> opusFrame, Span<byte> destination, out int written)
        {
            onEncrypt();
            opusFrame.CopyTo(destination);
            written = opusFrame.Length;
            return true;
        }

        public bool TryDecrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
        {
            frame.CopyTo(destination);
            written = frame.Length;
            return true;
        }
    }

    [Fact]
    public void A_clear_landing_while_a_frame_is_on_its_way_is_told_apart_from_audio_taken_after_it()
    {
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var (sender, _, _, _) = Create(metrics);
        var frames = new List<VoiceFrameSent>();
        sender.FrameSent += frames.Add;
        var clearDuringSecondFrame = true;
        var audioFramesEncrypted = 0;
        sender.FrameCryptor = new InterceptingCryptor(() =>
        {
            // The interruption arrives exactly while the second audio frame is being sealed and sent.
            if (++audioFramesEncrypted == 2 && clearDuringSecondFrame)
            {
                clearDuringSecondFrame = false;
                Assert.Equal(1, sender.Clear());
            }
        });
        sender.Push(AudioSignals.Chirp(OpusFormat.SendSampleRate, 1.0));

        for (var tick = 0; tick < 10; tick++)
        {
            sender.OnTick(tick);
        }

        // The frame in flight left with the pre-clear count, so a bridge does not call it a reply frame after the
        // interruption; nothing of the cleared reply follows it, only the spurt's closing silence.
        Assert.Equal([false, false], frames.Take(2).Select(f => f.IsSilence));
        Assert.All(frames.Take(2), f => Assert.Equal(0, f.ClearsBefore));
        Assert.All(frames.Skip(2), f => Assert.True(f.IsSilence));
        Assert.All(frames.Skip(2), f => Assert.Equal(1, f.ClearsBefore));
        Assert.Equal(2, totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Audio));

        // Audio pushed after the clear is a new reply: its frames carry the new count.
        sender.Push(AudioSignals.Chirp(OpusFormat.SendSampleRate, 0.1));
        for (var tick = 10; tick < 14; tick++)
        {
            sender.OnTick(tick);
        }

        Assert.Contains(frames.Skip(7), f => !f.IsSilence && f.ClearsBefore == 1);
        Assert.Equal(1, sender.Clears);
    }
}
