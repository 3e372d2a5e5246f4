using System.Diagnostics.Metrics;
namespace Chorus.Gateway.Bridge;

/// <summary>
/// Latency percentiles without allocation or locks on the recording path: 50 µs buckets up to
/// 100 ms, plus an overflow bucket, counted with Interlocked. Good enough for p50/p99 of figures whose
/// targets are 5-25 ms.
/// </summary>
public sealed class LatencyHistogram
{
    private const int BucketMicroseconds = 50;
    private const int BucketCount = 100_000 / BucketMicroseconds;
    private readonly long[] _buckets = new long[BucketCount + 1];
    private long _count;
    private long _maxMicroseconds;
    private readonly Histogram<double>? _instrument;
    private readonly KeyValuePair<string, object?> _tag;

    /// <param name="instrument">The exported instrument each recording also goes to (seconds), or null.</param>
    public LatencyHistogram(Histogram<double>? instrument = null) => _instrument = instrument;

    /// <param name="instrument">The exported instrument each recording also goes to (seconds).</param>
    /// <param name="tag">The tag each recording carries there (built once, so recording allocates nothing).</param>
    internal LatencyHistogram(Histogram<double> instrument, KeyValuePair<string, object?> tag)
    {
        _instrument = instrument;
        _tag = tag;
    }

    public long Count => Interlocked.Read(ref _count);

    public void Record(TimeSpan elapsed) => RecordMicroseconds((long)elapsed.TotalMicroseconds);

    public void RecordMicroseconds(long microseconds)
    {
        if (microseconds < 0)
        {
            microseconds = 0;
        }

        if (_instrument is { } instrument)
        {
            if (_tag.Key is null)
            {
                instrument.Record(microseconds / 1e6);
            }
            else
            {
                instrument.Record(microseconds / 1e6, _tag);
            }
        }

        var index = microseconds / BucketMicroseconds;
        Interlocked.Increment(ref _buckets[index >= BucketCount ? BucketCount : index]);
        Interlocked.Increment(ref _count);
        var max = Interlocked.Read(ref _maxMicroseconds);
        while (microseconds > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicroseconds, microseconds, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The upper edge of the bucket holding the given quantile, in milliseconds (0 when empty).</summary>
    public double PercentileMs(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(Math.Clamp(quantile, 0, 1) * total);
        if (rank < 1)
        {
            rank = 1;
        }

        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return i == BucketCount ? MaxMs : Math.Min((i + 1) * BucketMicroseconds / 1000.0, MaxMs);
            }
        }
        return MaxMs;
    }

    public double MaxMs => Interlocked.Read(ref _maxMicroseconds) / 1000.0;

    public LatencySummary Summarize() => new(Count, PercentileMs(0.50), PercentileMs(0.99), MaxMs);

    public void Reset()
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            Interlocked.Exchange(ref _buckets[i], 0);
        }

        Interlocked.Exchange(ref _count, 0);
        Interlocked.Exchange(ref _maxMicroseconds, 0);
    }
}

public readonly record struct LatencySummary(long Count, double P50Ms, double P99Ms, double MaxMs)
{
    public override string ToString() => $"n={Count} p50={P50Ms:0.00} ms p99={P99Ms:0.00} ms max={MaxMs:0.00} ms";
}
