using Chorus.Gateway.Bridge;

namespace Chorus.LoadHarness;

/// <summary>
/// Percentiles over many <see cref="LatencyHistogram"/>s. The histogram exposes percentiles, not its
/// buckets, so each one is sampled at evenly spaced quantiles (one sample per recorded value up to
/// <see cref="SamplesPerHistogram"/>), each sample weighted by the share of the histogram it stands for.
/// With 50 µs buckets this reproduces the merged distribution to within a bucket.
/// </summary>
internal static class MergedLatency
{
    private const int SamplesPerHistogram = 500;

    public static LatencyFigure Merge(IEnumerable<LatencyHistogram> histograms)
    {
        var samples = new List<(double Ms, double Weight)>();
        long count = 0;
        double max = 0;
        foreach (var histogram in histograms)
        {
            var n = histogram.Count;
            if (n == 0)
            {
                continue;
            }

            count += n;
            max = Math.Max(max, histogram.MaxMs);
            var m = (int)Math.Min(n, SamplesPerHistogram);
            var weight = (double)n / m;
            for (var i = 0; i < m; i++)
            {
                samples.Add((histogram.PercentileMs((i + 0.5) / m), weight));
            }
        }
        if (count == 0)
        {
            return new LatencyFigure(0, 0, 0, 0);
        }

        samples.Sort((a, b) => a.Ms.CompareTo(b.Ms));
        return new LatencyFigure(count, Quantile(samples, 0.50), Quantile(samples, 0.99), max);
    }

    private static double Quantile(List<(double Ms, double Weight)> sorted, double quantile)
    {
        double total = 0;
        foreach (var s in sorted)
        {
            total += s.Weight;
        }

        var rank = quantile * total;
        double seen = 0;
        foreach (var s in sorted)
        {
            seen += s.Weight;
            if (seen >= rank)
            {
                return s.Ms;
            }
        }
        return sorted[^1].Ms;
    }
}

internal sealed record LatencyFigure(long Count, double P50Ms, double P99Ms, double MaxMs);
