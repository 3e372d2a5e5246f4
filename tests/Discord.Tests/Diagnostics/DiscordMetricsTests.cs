using System.Diagnostics.Metrics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Rtp;
using Concentus;
using Concentus.Enums;

namespace Chorus.Discord.Tests.Diagnostics;

public sealed class DiscordMetricsTests : IDisposable
{
    private const uint Ssrc = 77;
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + 5))];
    private readonly DiscordMetrics _metrics = new();
    private readonly MeterListener _listener = new();
    private long _received;
    private long _droppedNotRtp;
    private long _droppedLate;
    private long _droppedOther;

    public DiscordMetricsTests()
    {
        // Listening makes the instruments live, as an exporter would: recording then goes through the tag path.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _metrics.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Meter.Dispose();
    }

    [Fact]
    public void The_receive_path_records_packets_and_drops_by_cause_without_allocating()
    {
        var cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, Key);
        var packets = SealedStream(cipher, OpusFrames(10), 700);
        var notRtp = new byte[40];
        var delivered = 0L;
        var receiver = new VoiceReceiver(frameHandler: frame => delivered++, metrics: _metrics);
        receiver.SetTransport(cipher, 1);
        receiver.MapSsrc(Ssrc, 1234);
        // Warm-up, each path once or more: first-time work (stream creation, decoder state, the first drops' log lines)
        // may allocate; the steady state per packet may not.
        for (var i = 0; i < 100; i++)
        {
            receiver.ProcessDatagram(packets[i]);
            if (i >= 80)
            {
                receiver.ProcessDatagram(packets[i - 50]);
                receiver.ProcessDatagram(notRtp);
            }
        }

        var lateBefore = Interlocked.Read(ref _droppedLate);
        var notRtpBefore = Interlocked.Read(ref _droppedNotRtp);

        var receivedBefore = Interlocked.Read(ref _received);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < 600; i++)
        {
            receiver.ProcessDatagram(packets[i]);
            // Every fifth packet again: already played out, dropped as late (a tagged drop on the hot path).
            if (i % 5 == 0)
            {
                receiver.ProcessDatagram(packets[i - 50]);
            }

            if (i % 10 == 0)
            {
                receiver.ProcessDatagram(notRtp);
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(500 + 100 + 50, Interlocked.Read(ref _received) - receivedBefore);
        Assert.Equal(50, Interlocked.Read(ref _droppedNotRtp) - notRtpBefore);
        Assert.Equal(100, Interlocked.Read(ref _droppedLate) - lateBefore);
        Assert.Equal(0, Interlocked.Read(ref _droppedOther));
        Assert.True(delivered >= 500, $"{delivered} frames delivered");
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "chorus.voice.packets.received":
                Interlocked.Add(ref _received, value);
                break;
            case "chorus.voice.packets.dropped":
                var cause = "";
                var direction = "";
                foreach (var tag in tags)
                {
                    if (tag.Key == "cause")
                    {
                        cause = (string)tag.Value!;
                    }
                    else if (tag.Key == "network.io.direction")
                    {
                        direction = (string)tag.Value!;
                    }
                }

                if (direction != "receive")
                {
                    Interlocked.Add(ref _droppedOther, value);
                }
                else if (cause == "not_rtp")
                {
                    Interlocked.Add(ref _droppedNotRtp, value);
                }
                else if (cause == "late")
                {
                    Interlocked.Add(ref _droppedLate, value);
                }
                else
                {
                    Interlocked.Add(ref _droppedOther, value);
                }

                break;
        }
    }

    private static byte[][] OpusFrames(int count)
    {
        var encoder = OpusCodecFactory.CreateEncoder(48000, 2, OpusApplication.OPUS_APPLICATION_AUDIO);
        encoder.Bitrate = 64000;
        var pcm = new short[960 * 2];
        var frames = new byte[count][];
        for (var f = 0; f < count; f++)
        {
            for (var i = 0; i < 960; i++)
            {
                var t = (f * 960 + i) / 48000.0;
                pcm[2 * i] = pcm[2 * i + 1] = (short)(6000 * Math.Sin(2 * Math.PI * 220 * t));
            }

            var buffer = new byte[1500];
            frames[f] = buffer[..encoder.Encode(pcm, 960, buffer, buffer.Length)];
        }

        return frames;
    }

    private static byte[][] SealedStream(TransportCipher cipher, byte[][] opus, int count)
    {
        var packets = new byte[count][];
        var header = new byte[12];
        for (var seq = 0; seq < count; seq++)
        {
            var payload = opus[seq % opus.Length];
            RtpHeader.WriteBasic(header, (ushort)seq, (uint)seq * 960, Ssrc);
            var datagram = new byte[12 + payload.Length + RtpSizeTransport.Overhead];
            RtpSizeTransport.Seal(cipher, header, payload, (uint)seq, datagram);
            packets[seq] = datagram;
        }

        return packets;
    }
}
