using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Rtp;
using Concentus;
using Concentus.Enums;
using CsCheck;

namespace Chorus.Discord.Tests.Voice;

public sealed class VoiceReceiverTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private sealed class Harness
    {
        public Harness(VoicePcmFrameHandler? handler = null)
        {
            Cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key);
            Totals = new MeterTotals(Metrics.Meter);
            Receiver = new VoiceReceiver(
                frameHandler: handler ?? (frame => Frames.Add((frame.UserId, frame.Sequence, frame.IsConcealed, frame.Samples.Length))), metrics: Metrics);
            Receiver.SetTransport(Cipher, ownSsrc: 1);
        }

        public VoiceReceiver Receiver { get; }
        public DiscordMetrics Metrics { get; } = new();
        public MeterTotals Totals { get; }
        public TransportCipher Cipher { get; }
        public List<(ulong User, ushort Seq, bool Concealed, int Samples)> Frames { get; } = [];
        private uint _nonce;

        public byte[] Packet(uint ssrc, ushort seq, ReadOnlySpan<byte> payload)
        {
            var header = new byte[12];
            RtpHeader.WriteBasic(header, seq, (uint)seq * 960, ssrc);
            var datagram = new byte[12 + payload.Length + RtpSizeTransport.Overhead];
            RtpSizeTransport.Seal(Cipher, header, payload, _nonce++, datagram);
            return datagram;
        }
    }

    private static byte[][] OpusFrames(int count)
    {
        var encoder = OpusCodecFactory.CreateEncoder(48000, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
        var pcm = new short[960 * 2];
        var frames = new byte[count][];
        for (var f = 0; f < count; f++)
        {
            for (var i = 0; i < 960; i++)
            {
                pcm[2 * i] = pcm[2 * i + 1] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (f * 960 + i) / 48000.0));
            }

            var buffer = new byte[1500];
            var n = encoder.Encode(pcm, 960, buffer, buffer.Length);
            frames[f] = buffer[..n];
        }
        return frames;
    }

    [Fact]
    public void Each_frame_carries_the_receive_time_of_its_own_datagram_through_reordering_concealment_and_holding()
    {
        var received = new List<(ushort Seq, bool Concealed, long ReceivedAt)>();
        var h = new Harness(frame => received.Add((frame.Sequence, frame.IsConcealed, frame.ReceivedAt)));
        h.Receiver.MapSsrc(77, 9001);
        var frames = OpusFrames(8);

        // 2 arrives before 1 (reordered); 3 is lost and concealed once 4, 5, 6 are behind it.
        (ushort Seq, long At)[] arrivals = [(0, 1_000), (2, 1_200), (1, 1_300), (4, 1_500), (5, 1_600), (6, 1_700)];
        foreach (var (seq, at) in arrivals)
        {
            h.Receiver.ProcessDatagram(h.Packet(77, seq, frames[seq]), at);
        }

        Assert.Equal(
            [(0, false, 1_000L), (1, false, 1_300L), (2, false, 1_200L), (3, true, 1_700L), (4, false, 1_500L), (5, false, 1_600L), (6, false, 1_700L)],
            received);

        // Audio from an SSRC not yet mapped is held: it keeps the time it came off the socket, not the time of op 5.
        received.Clear();
        var cameIn = TimeProvider.System.GetTimestamp() - 1_000;
        h.Receiver.ProcessDatagram(h.Packet(88, 0, frames[0]), cameIn);
        Assert.Empty(received);
        h.Receiver.MapSsrc(88, 9002);
        Assert.Equal(cameIn, Assert.Single(received).ReceivedAt);
    }

    [Fact]
    public void Decodes_mapped_ssrcs_to_20_ms_of_16_kHz_and_conceals_a_lost_packet()
    {
        var h = new Harness();
        h.Receiver.MapSsrc(77, 9001);
        var frames = OpusFrames(8);
        foreach (var seq in new ushort[] { 0, 1, 2, 4, 5, 6, 7 })
        {
            h.Receiver.ProcessDatagram(h.Packet(77, seq, frames[seq]));
        }

        Assert.Equal(8, h.Frames.Count);
        Assert.All(h.Frames, f => Assert.Equal(OpusFormat.ReceiveFrameSamples, f.Samples));
        Assert.All(h.Frames, f => Assert.Equal(9001UL, f.User));
        Assert.Equal([false, false, false, true, false, false, false, false], h.Frames.Select(f => f.Concealed));
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.FramesConcealedName));
    }

    [Fact]
    public void Packets_for_unknown_ssrcs_are_held_then_replayed_once_mapped()
    {
        var h = new Harness();
        var frames = OpusFrames(3);
        for (ushort seq = 0; seq < 3; seq++)
        {
            h.Receiver.ProcessDatagram(h.Packet(50, seq, frames[seq]));
        }

        Assert.Empty(h.Frames);
        Assert.Equal(3, h.Totals.Total(DiscordMetrics.PacketsHeldName));

        h.Receiver.MapSsrc(50, 12);
        Assert.Equal([(12UL, (ushort)0), (12UL, (ushort)1), (12UL, (ushort)2)], h.Frames.Select(f => (f.User, f.Seq)));
    }

    [Fact]
    public void Held_packets_are_bounded()
    {
        var h = new Harness();
        var opus = OpusFrames(1)[0];
        for (ushort seq = 0; seq < 130; seq++)
        {
            h.Receiver.ProcessDatagram(h.Packet(50, seq, opus));
        }

        Assert.Equal(30, h.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.UnknownSsrc));
        for (uint ssrc = 100; ssrc < 120; ssrc++)
        {
            h.Receiver.ProcessDatagram(h.Packet(ssrc, 0, opus));
        }

        Assert.Equal(30 + 20 - 7, h.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.UnknownSsrc));
    }

    [Fact]
    public void Empty_and_garbage_opus_payloads_are_dropped_and_counted()
    {
        var h = new Harness();
        h.Receiver.MapSsrc(77, 1);
        h.Receiver.ProcessDatagram(h.Packet(77, 0, []));
        Assert.Equal(1, h.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.EmptyPayload));

        var random = new Random(1234);
        for (ushort seq = 1; seq < 200; seq++)
        {
            var garbage = new byte[random.Next(1, 400)];
            random.NextBytes(garbage);
            h.Receiver.ProcessDatagram(h.Packet(77, seq, garbage));
        }
        var c = h.Totals;
        // Every garbage frame was either decoded to something (Opus accepts most byte strings) or counted as failed.
        Assert.Equal(199, c.Total(DiscordMetrics.FramesDeliveredName) - c.Total(DiscordMetrics.FramesConcealedName) + c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.DecodeFailed));
        Assert.All(h.Frames, f => Assert.InRange(f.Samples, 1, OpusFormat.MaxReceiveSamplesPerPacket));
    }

    [Fact]
    public void Hostile_datagrams_never_throw_and_are_counted_by_reason()
    {
        var h = new Harness();
        h.Receiver.MapSsrc(77, 1);
        var valid = h.Packet(77, 0, OpusFrames(1)[0]);

        h.Receiver.ProcessDatagram(new byte[8]);                                  // keepalive-sized
        h.Receiver.ProcessDatagram([0x40, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);  // RTP v1
        h.Receiver.ProcessDatagram([0x80, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);  // wrong payload type
        h.Receiver.ProcessDatagram([0x80, 0xC9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);  // RTCP receiver report
        h.Receiver.ProcessDatagram(valid[..20]);                                     // truncated
        var tampered = (byte[])valid.Clone();
        tampered[15] ^= 0xFF;
        h.Receiver.ProcessDatagram(tampered);

        var c = h.Totals;
        Assert.Equal(1, c.Total(DiscordMetrics.KeepalivesReceivedName));
        Assert.Equal(2, c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.NotRtp));
        Assert.Equal(1, c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Rtcp));
        Assert.Equal(1, c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.TooShort));
        Assert.Equal(1, c.Total(DiscordMetrics.PacketsDroppedName, MetricTag.AuthenticationFailed));
        Assert.Empty(h.Frames);

        // Random and truncated datagrams of every size.
        Gen.Byte.Array[0, 1500].Sample(bytes => h.Receiver.ProcessDatagram(bytes), iter: 2000, threads: 1);
        Gen.Int[1, valid.Length - 1].Sample(n => h.Receiver.ProcessDatagram(valid[..n]), iter: 200, threads: 1);

        h.Receiver.ProcessDatagram(valid);
        Assert.Single(h.Frames);
    }

    [Fact]
    public void A_refusing_frame_cryptor_drops_frames_without_breaking_the_stream()
    {
        var h = new Harness();
        h.Receiver.MapSsrc(77, 1);
        h.Receiver.FrameCryptor = new RefuseOddSequences();
        var frames = OpusFrames(4);
        for (ushort seq = 0; seq < 4; seq++)
        {
            h.Receiver.ProcessDatagram(h.Packet(77, seq, [(byte)seq, .. frames[seq]]));
        }

        Assert.Equal(2, h.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.FrameDecryptFailed));
    }

    [Fact]
    public void A_throwing_pcm_handler_is_counted_and_does_not_stop_the_stream()
    {
        var h = new Harness(_ => throw new InvalidOperationException("consumer bug"));
        h.Receiver.MapSsrc(77, 1);
        var frames = OpusFrames(2);
        h.Receiver.ProcessDatagram(h.Packet(77, 0, frames[0]));
        h.Receiver.ProcessDatagram(h.Packet(77, 1, frames[1]));
        Assert.Equal(2, h.Totals.Total(DiscordMetrics.FrameHandlerFailuresName));
        Assert.Equal(2, h.Totals.Total(DiscordMetrics.FramesDeliveredName));
    }

    /// <summary>Stands in for DAVE: the first byte says which frames "fail"; the rest is the Opus frame.</summary>
    private sealed class RefuseOddSequences : IVoiceFrameCryptor
    {
        public int GetMaxEncryptedLength(int frameLength) => frameLength;

        public bool TryEncrypt(ReadOnlySpan<byte> opusFrame, Span<byte> destination, out int written) => throw new NotSupportedException();

        public bool TryDecrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
        {
            written = 0;
            if (frame[0] % 2 == 1)
            {
                return false;
            }

            frame[1..].CopyTo(destination);
            written = frame.Length - 1;
            return true;
        }
    }
}
