using System.Diagnostics.Metrics;
namespace Chorus.Gateway.Bridge;

/// <summary>
/// Latency percentiles without allocation or locks on the recording path: 50 µs buckets up to
/// 100 ms, then (when given a longer range) 5 ms buckets up to it, plus an overflow bucket, counted with Interlocked.
/// Good enough for p50/p99 of figures whose targets are 5-25 ms, and of turns of a few hundred milliseconds.
/// </summary>
public sealed class LatencyHistogram
{
    private const int BucketMicroseconds = 50;
    private const int FineBuckets = 100_000 / BucketMicroseconds;
    private const int CoarseBucketMicroseconds = 5_000;
    private readonly long[] _buckets;
    private readonly int _overflow;
    private long _count;
    private long _maxMicroseconds;
    private readonly Histogram<double>? _instrument;
    private readonly KeyValuePair<string, object?> _tag;

    /// <param name="instrument">The exported instrument each recording also goes to (seconds), or null.</param>
    /// <param name="range">Values up to this are placed in buckets (beyond 100 ms, 5 ms wide); longer ones count as the maximum.</param>
    public LatencyHistogram(Histogram<double>? instrument = null, TimeSpan? range = null)
    {
        _instrument = instrument;
        var coarse = range is { } r && r.TotalMicroseconds > 100_000
            ? (int)Math.Ceiling((r.TotalMicroseconds - 100_000) / CoarseBucketMicroseconds)
            : 0;
        _overflow = FineBuckets + coarse;
        _buckets = new long[_overflow + 1];
    }

    /// <param name="instrument">The exported instrument each recording also goes to (seconds).</param>
    /// <param name="tag">The tag each recording carries there (built once, so recording allocates nothing).</param>
    internal LatencyHistogram(Histogram<double> instrument, KeyValuePair<string, object?> tag)
        : this(instrument)
    {
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

        var index = microseconds < 100_000
            ? microseconds / BucketMicroseconds
            : FineBuckets + ((microseconds - 100_000) / CoarseBucketMicroseconds);
        Interlocked.Increment(ref _buckets[index >= _overflow ? _overflow : index]);
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
                return i == _overflow ? MaxMs : Math.Min(UpperEdgeMicroseconds(i) / 1000.0, MaxMs);
            }
        }
        return MaxMs;
    }

    private static long UpperEdgeMicroseconds(int bucket) => bucket < FineBuckets
        ? (bucket + 1L) * BucketMicroseconds
        : 100_000 + ((bucket - FineBuckets + 1L) * CoarseBucketMicroseconds);

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
