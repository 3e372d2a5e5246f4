using System.Globalization;

namespace Chorus.Diagnostics;

/// <summary>
/// A histogram's buckets read back from a Prometheus text exposition (a bot process's scrape endpoint): the lines
/// <c>name_bucket{labels,le="x"} count [timestamp]</c>, whose cumulative counts are summed over every label set.
/// </summary>
public static class PrometheusBuckets
{
    /// <summary>
    /// Adds the buckets of <paramref name="histogram"/> (its exported name, e.g. <c>chorus_turn_latency_seconds</c>) found
    /// in <paramref name="exposition"/> to <paramref name="cumulative"/>, by upper bound (+Inf as infinity).
    /// </summary>
    public static void Add(string exposition, string histogram, SortedDictionary<double, double> cumulative)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentNullException.ThrowIfNull(cumulative);
        var prefix = histogram + "_bucket{";
        foreach (var line in exposition.Split('\n'))
        {
            var le = line.IndexOf("le=\"", StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || le < 0 || close < le)
            {
                continue;
            }

            var bound = line[(le + 4)..line.IndexOf('"', le + 4)];
            var upper = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
            var count = double.Parse(line[(close + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            cumulative[upper] = cumulative.GetValueOrDefault(upper) + count;
        }
    }
}
