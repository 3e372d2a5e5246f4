using System.Globalization;
using Chorus.Diagnostics;

namespace Chorus.EndToEnd.Cluster;

/// <summary>
/// The bot's own send cadence (<c>chorus.audio.downlink.send_interval</c>) scraped from one gateway's Prometheus endpoint:
/// cumulative bucket counts by upper bound (seconds). The difference of two scrapes is what the gateway's answers did in
/// between, measured at its socket, before the loopback and the test process add their own lateness.
/// </summary>
internal sealed class SendIntervalScrape
{
    private const string Histogram = "chorus_audio_downlink_send_interval_seconds";

    private readonly SortedDictionary<double, double> _cumulative;

    private SendIntervalScrape(SortedDictionary<double, double> cumulative) => _cumulative = cumulative;

    public static async Task<SendIntervalScrape> ReadAsync(int port, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        return Parse(await http.GetStringAsync("/metrics", cancellationToken));
    }

    internal static SendIntervalScrape Parse(string exposition)
    {
        var cumulative = new SortedDictionary<double, double>();
        PrometheusBuckets.Add(exposition, Histogram, cumulative);
        return new SendIntervalScrape(cumulative);
    }

    /// <summary>What happened between <paramref name="before"/> and this scrape.</summary>
    public SendIntervalWindow Since(SendIntervalScrape before)
    {
        var window = _cumulative.Select(b => (Upper: b.Key, Count: b.Value - before._cumulative.GetValueOrDefault(b.Key))).ToList();
        var total = window.Count == 0 ? 0 : window[^1].Count;
        double Above(double seconds) => total - window.Where(b => b.Upper <= seconds + 1e-9).Select(b => b.Count).DefaultIfEmpty(0).Max();
        // The longest interval lies in the first bucket whose cumulative count holds every interval.
        var longestUpper = window.FirstOrDefault(b => b.Count >= total && total > 0).Upper;
        var longestLower = window.Where(b => b.Upper < longestUpper).Select(b => b.Upper).DefaultIfEmpty(0).Max();
        return new SendIntervalWindow((long)total, (long)Above(0.022), (long)Above(0.04), longestLower * 1000, longestUpper * 1000);
    }
}

/// <summary>Intervals between packets of one answer sent in a window: how many, how many beyond 22 and 40 ms, and the bucket of the longest.</summary>
internal readonly record struct SendIntervalWindow(long Count, long Above22Ms, long Above40Ms, double LongestFromMs, double LongestToMs)
{
    public override string ToString() => Count == 0
        ? "no packets"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Count} intervals, {Above22Ms} > 22 ms, {Above40Ms} > 40 ms, longest in ({LongestFromMs:0}, {LongestToMs:0}] ms");
}
