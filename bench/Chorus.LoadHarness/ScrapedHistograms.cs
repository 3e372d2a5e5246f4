using Chorus.Diagnostics;

namespace Chorus.LoadHarness;

/// <summary>
/// The bot's own wire-latency histograms (uplink, downlink, turn, barge-in) read from its processes' Prometheus scrape
/// endpoints: the only view into processes the harness does not run. Cumulative bucket counts are summed over every
/// label set and every process; a window is the difference of two scrapes.
/// </summary>
internal sealed class ScrapedHistograms
{
    /// <summary>The figures the harness reports, by their Prometheus names (unit seconds).</summary>
    public static readonly IReadOnlyList<(string Figure, string Metric)> Figures =
    [
        ("uplink (UDP in->Gemini)", "chorus_audio_uplink_latency_seconds"),
        ("downlink (Gemini->RTP out)", "chorus_audio_downlink_latency_seconds"),
        ("turn (speech in->1st out)", "chorus_turn_latency_seconds"),
        ("barge-in (->last packet)", "chorus_bargein_latency_seconds"),
    ];

    private readonly Dictionary<string, SortedDictionary<double, double>> _buckets = new(StringComparer.Ordinal);

    private ScrapedHistograms()
    {
    }

    public static async Task<ScrapedHistograms> ScrapeAsync(HttpClient http, IEnumerable<Uri> endpoints)
    {
        var histograms = new ScrapedHistograms();
        foreach (var endpoint in endpoints)
        {
            histograms.Add(await http.GetStringAsync(endpoint));
        }
        return histograms;
    }

    /// <summary>Adds one scrape's text exposition: lines <c>name_bucket{labels,le="x"} count [timestamp]</c>.</summary>
    internal void Add(string exposition)
    {
        foreach (var (_, metric) in Figures)
        {
            var buckets = _buckets.TryGetValue(metric, out var existing) ? existing : _buckets[metric] = [];
            PrometheusBuckets.Add(exposition, metric, buckets);
        }
    }

    /// <summary>Count, p50 and p99 (ms) of each figure between <paramref name="before"/> and this scrape.</summary>
    public IReadOnlyList<ScrapedLatency> Since(ScrapedHistograms before) =>
    [
        .. Figures.Select(f =>
        {
            var now = _buckets.GetValueOrDefault(f.Metric) ?? [];
            var then = before._buckets.GetValueOrDefault(f.Metric) ?? [];
            var window = now.Select(b => (Upper: b.Key, Cumulative: b.Value - then.GetValueOrDefault(b.Key))).ToList();
            var count = window.Count == 0 ? 0 : window[^1].Cumulative;
            return new ScrapedLatency(f.Figure, (long)count, Quantile(window, 0.5) * 1000, Quantile(window, 0.99) * 1000);
        }),
    ];

    /// <summary>
    /// Prometheus' <c>histogram_quantile</c>: linear within the bucket that holds the rank, the lower bound of the first
    /// bucket taken as 0, and the last finite bound when the rank falls in +Inf.
    /// </summary>
    internal static double Quantile(IReadOnlyList<(double Upper, double Cumulative)> buckets, double q)
    {
        if (buckets.Count == 0 || buckets[^1].Cumulative <= 0)
        {
            return 0;
        }

        var rank = q * buckets[^1].Cumulative;
        var lower = 0.0;
        var below = 0.0;
        foreach (var (upper, cumulative) in buckets)
        {
            if (cumulative >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return lower;
                }

                var inBucket = cumulative - below;
                return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below) / inBucket);
            }

            lower = upper;
            below = cumulative;
        }
        return lower;
    }
}

/// <param name="Figure">What is timed, as the bare pipeline's table names it.</param>
/// <param name="Count">Samples in the window, over every gateway process.</param>
/// <param name="P50Ms">Interpolated within the bucket, so only as fine as the instrument's buckets (0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms...).</param>
/// <param name="P99Ms">The same at the 99th percentile.</param>
internal sealed record ScrapedLatency(string Figure, long Count, double P50Ms, double P99Ms);
