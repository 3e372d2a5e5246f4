using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Rtp;
using Concentus;
using Concentus.Enums;

namespace Chorus.Bench.Voice;

/// <summary>Realistic received traffic: 48 kHz stereo Opus frames of speech-like audio, sealed as Discord would.</summary>
internal static class VoiceBenchmarkPackets
{
    public static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + 5)).ToArray();

    public static byte[][] OpusFrames(int count)
    {
        var encoder = OpusCodecFactory.CreateEncoder(48000, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
        encoder.Bitrate = 64000;
        var pcm = new short[960 * 2];
        var frames = new byte[count][];
        var random = new Random(7);
        for (var f = 0; f < count; f++)
        {
            for (var i = 0; i < 960; i++)
            {
                var t = (f * 960 + i) / 48000.0;
                var v = (short)(6000 * Math.Sin(2 * Math.PI * (180 + 60 * Math.Sin(t * 3)) * t) + random.Next(-500, 500));
                pcm[2 * i] = v;
                pcm[2 * i + 1] = v;
            }
            var buffer = new byte[1500];
            var n = encoder.Encode(pcm, 960, buffer, buffer.Length);
            frames[f] = buffer[..n];
        }
        return frames;
    }

    /// <summary>One packet per 16-bit sequence number, so cycling through them wraps exactly like a live stream.</summary>
    public static byte[][] SealedStream(TransportCipher cipher, uint ssrc, byte[][] opus)
    {
        var packets = new byte[65536][];
        var header = new byte[12];
        for (var seq = 0; seq < packets.Length; seq++)
        {
            var payload = opus[seq % opus.Length];
            RtpHeader.WriteBasic(header, (ushort)seq, (uint)seq * 960, ssrc);
            var datagram = new byte[12 + payload.Length + RtpSizeTransport.Overhead];
            RtpSizeTransport.Seal(cipher, header, payload, (uint)seq, datagram);
            packets[seq] = datagram;
        }
        return packets;
    }
}
