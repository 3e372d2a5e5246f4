using Chorus.Gateway.Bridge;

namespace Chorus.Gateway.Tests.Bridge;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_follow_the_recorded_distribution()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.RecordMicroseconds(i * 100); // 0.1 ms .. 10 ms
        }

        var summary = histogram.Summarize();

        Assert.Equal(100, summary.Count);
        Assert.InRange(summary.P50Ms, 5.0, 5.05);
        Assert.InRange(summary.P99Ms, 9.9, 9.95);
        Assert.Equal(10.0, summary.MaxMs);
    }

    [Fact]
    public void Values_past_the_last_bucket_report_the_true_maximum()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.FromMilliseconds(1));
        histogram.Record(TimeSpan.FromMilliseconds(250));

        Assert.Equal(250, histogram.PercentileMs(0.99));
        Assert.Equal(250, histogram.MaxMs);
    }

    [Fact]
    public void Empty_and_reset_histograms_report_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.PercentileMs(0.5));
        histogram.Record(TimeSpan.FromMilliseconds(3));

        histogram.Reset();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.PercentileMs(0.99));
    }

    [Fact]
    public async Task Concurrent_recording_loses_nothing()
    {
        var histogram = new LatencyHistogram();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                histogram.RecordMicroseconds(i % 5000);
            }
        })));

        Assert.Equal(40_000, histogram.Count);
    }
}
