using System.Diagnostics.Metrics;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gateway.Tests.Bridge;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Diagnostics;

public sealed class GatewayMetricsTests : IDisposable
{
    private readonly GatewayMetrics _metrics = new();
    private readonly MeterListener _listener = new();
    private long _speakers;
    private long _uplinkCount;
    private double _uplinkSeconds;

    public GatewayMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _metrics.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "chorus.speakers.active")
            {
                Interlocked.Add(ref _speakers, value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "chorus.audio.uplink.latency")
            {
                _uplinkCount++;
                _uplinkSeconds += value;
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Meter.Dispose();
    }

    [Fact]
    public void Speakers_are_counted_when_first_heard_and_uncounted_when_they_leave_or_the_mixer_closes()
    {
        var mixer = new SpeakerMixer(new SpeakerMixerTests.RecordingSink(), new FakeTimeProvider(), _metrics);
        var frame = Signals.Tone(440, -20);

        mixer.AddFrame(1, frame);
        mixer.AddFrame(1, frame);
        mixer.AddFrame(2, frame);
        var whileTwoSpeak = Interlocked.Read(ref _speakers);
        mixer.RemoveSpeaker(1);
        var afterOneLeft = Interlocked.Read(ref _speakers);
        mixer.Dispose();
        mixer.RemoveSpeaker(2);

        Assert.Equal(2, whileTwoSpeak);
        Assert.Equal(1, afterOneLeft);
        Assert.Equal(0, Interlocked.Read(ref _speakers));
    }

    [Fact]
    public void A_bridge_latency_is_recorded_in_seconds_on_the_instrument_and_in_the_bridge_figures_alike_without_allocating()
    {
        var latency = new BridgeLatency(_metrics);
        latency.Uplink.RecordMicroseconds(2500);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            latency.Uplink.RecordMicroseconds(1500);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1001, _uplinkCount);
        Assert.Equal(1001, latency.Uplink.Count);
        Assert.Equal(0.0025 + 1000 * 0.0015, _uplinkSeconds, 6);
        Assert.Equal(0, latency.Downlink.Count);
    }
}
