using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Rtp;
using Concentus;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Discord.Tests.Voice;

/// <summary>
/// The CI guard on allocations per packet: allocation counts are exact and stable where times are not, so a change
/// that makes the receive path allocate for each packet fails here rather than showing up later as GC pauses under load.
/// Needs the native libopus (Concentus' managed decoder allocates per frame): skipped without it, failed under CI,
/// which installs it.
/// </summary>
public sealed class HotPathAllocationTests
{
    private const uint PeerSsrc = 0x0102_0304;
    private const uint OwnSsrc = 7;
    private const ulong PeerUser = 99;
    private const int WarmUpPackets = 100;
    private const int MeasuredPackets = 1_000;
    private static readonly byte[] Key = [.. Enumerable.Range(1, TransportCipher.KeyLength).Select(i => (byte)(i * 3))];

    [Theory]
    [InlineData(TransportEncryptionMode.Aes256GcmRtpSize)]
    [InlineData(TransportEncryptionMode.XChaCha20Poly1305RtpSize)]
    public void A_sealed_packet_is_opened_buffered_decoded_and_handed_on_without_allocating(string mode)
    {
        RequireNativeOpus();
        using var cipher = TransportCipher.Create(mode, Key);
        using var sealer = TransportCipher.Create(mode, Key);
        var frames = 0;
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var receiver = new VoiceReceiver(time: new FakeTimeProvider(), frameHandler: _ => frames++, metrics: metrics);
        receiver.SetTransport(cipher, OwnSsrc);
        receiver.MapSsrc(PeerSsrc, PeerUser);
        var packets = SealedPackets(sealer, WarmUpPackets + MeasuredPackets);

        for (var i = 0; i < WarmUpPackets; i++)
        {
            receiver.ProcessDatagram(packets[i]);
        }

        var framesBefore = frames;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = WarmUpPackets; i < packets.Length; i++)
        {
            receiver.ProcessDatagram(packets[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(MeasuredPackets, frames - framesBefore);
        Assert.True(allocated == 0, $"{allocated} bytes over {MeasuredPackets} packets ({(double)allocated / MeasuredPackets:0.#} per packet)");
        Assert.Equal(0, totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.Receive));
    }

    private static void RequireNativeOpus()
    {
        var version = OpusCodecFactory.CreateDecoder(OpusFormat.ReceiveSampleRate, 1).GetVersionString();
        if (version.Contains("libopus", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var reason = $"needs the native libopus (Concentus found only its managed codec, {version}): install it (Debian: apt-get install libopus-dev)";
        if (RequiredTool.IsCi)
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }

    /// <summary>A talker's 20 ms frames (a tone, then noise), sealed in order as the voice server relays them.</summary>
    private static byte[][] SealedPackets(TransportCipher sealer, int count)
    {
        var encoder = new OpusFrameEncoder();
        var random = new Random(17);
        var pcm = new short[OpusFormat.SendFrameSamples];
        var opus = new byte[OpusFormat.MaxOpusPacketLength];
        var packets = new byte[count][];
        for (var p = 0; p < count; p++)
        {
            for (var i = 0; i < pcm.Length; i++)
            {
                var t = (p * pcm.Length) + i;
                pcm[i] = p % 50 < 25 ? (short)(8000 * Math.Sin(2 * Math.PI * 330 * t / OpusFormat.SendSampleRate)) : (short)random.Next(-4000, 4000);
            }

            var length = encoder.Encode(pcm, opus);
            var header = new byte[RtpHeader.FixedLength];
            RtpHeader.WriteBasic(header, (ushort)(1000 + p), (uint)(5000 + (p * OpusFormat.RtpTimestampStep)), PeerSsrc);
            var datagram = new byte[RtpHeader.FixedLength + length + RtpSizeTransport.Overhead];
            var written = RtpSizeTransport.Seal(sealer, header, opus.AsSpan(0, length), (uint)p, datagram);
            packets[p] = datagram[..written];
        }
        return packets;
    }
}
