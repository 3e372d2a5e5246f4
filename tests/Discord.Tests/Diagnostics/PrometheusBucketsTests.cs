using Chorus.Diagnostics;

namespace Chorus.Discord.Tests.Diagnostics;

public sealed class PrometheusBucketsTests
{
    private const string Exposition = """
        # TYPE chorus_turn_latency_seconds histogram
        chorus_turn_latency_seconds_bucket{otel_scope_name="Chorus.Gateway",le="0.5"} 3 1733590000000
        chorus_turn_latency_seconds_bucket{otel_scope_name="Chorus.Gateway",le="1"} 5 1733590000000
        chorus_turn_latency_seconds_bucket{otel_scope_name="Chorus.Gateway",le="+Inf"} 6 1733590000000
        chorus_turn_latency_seconds_bucket{otel_scope_name="Chorus.Gateway",cause="other",le="0.5"} 1
        chorus_turn_latency_seconds_bucket{otel_scope_name="Chorus.Gateway",cause="other",le="+Inf"} 2
        chorus_turn_latency_seconds_count{otel_scope_name="Chorus.Gateway"} 6
        chorus_turn_latency_seconds_extra_bucket{le="0.5"} 100
        chorus_audio_uplink_latency_seconds_bucket{le="0.5"} 100
        """;

    [Fact]
    public void Sums_one_histograms_buckets_over_its_label_sets_by_upper_bound()
    {
        var cumulative = new SortedDictionary<double, double>();

        PrometheusBuckets.Add(Exposition, "chorus_turn_latency_seconds", cumulative);

        Assert.Equal([0.5, 1, double.PositiveInfinity], cumulative.Keys);
        Assert.Equal([4, 5, 8], cumulative.Values);
    }

    [Fact]
    public void Adding_a_second_scrape_adds_to_the_same_buckets()
    {
        var cumulative = new SortedDictionary<double, double>();

        PrometheusBuckets.Add(Exposition, "chorus_turn_latency_seconds", cumulative);
        PrometheusBuckets.Add(Exposition, "chorus_turn_latency_seconds", cumulative);

        Assert.Equal([8, 10, 16], cumulative.Values);
    }
}
