using BenchmarkDotNet.Attributes;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Receive;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Chorus.Bench.Voice;

/// <summary>
/// The cost of the instruments on the hot path: one received packet through the whole receive path (decrypt, jitter,
/// decode), with nothing listening to Chorus.Discord and with OpenTelemetry collecting it. Allocations per packet stay 0.
/// </summary>
[MemoryDiagnoser]
public class VoiceMetricsBenchmarks
{
    private DiscordMetrics _metrics = null!;
    private MeterProvider? _provider;
    private VoiceReceiver _receiver = null!;
    private byte[][] _packets = null!;
    private int _next;
    private long _samples;

    [Params(false, true)]
    public bool Exported { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new DiscordMetrics();
        if (Exported)
        {
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(DiscordMetrics.MeterName)
                .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), exportIntervalMilliseconds: 1000))
                .Build();
        }

        var cipher = TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, VoiceBenchmarkPackets.Key);
        _packets = VoiceBenchmarkPackets.SealedStream(cipher, 77, VoiceBenchmarkPackets.OpusFrames(50));
        _receiver = new VoiceReceiver(frameHandler: frame => _samples += frame.Samples.Length, metrics: _metrics);
        _receiver.SetTransport(cipher, 1);
        _receiver.MapSsrc(77, 1234);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _metrics.Meter.Dispose();
    }

    /// <summary>Every packet counted (chorus.voice.packets.received), every eighth a duplicate dropped with its cause tag.</summary>
    [Benchmark]
    public long ReceivePacket()
    {
        var index = _next++;
        _receiver.ProcessDatagram(_packets[index & 0xFFFF]);
        if ((index & 7) == 0)
        {
            _receiver.ProcessDatagram(_packets[(index - 200) & 0xFFFF]);
        }

        return _samples;
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
