using System.Diagnostics.Metrics;
using Chorus.Diagnostics;

namespace Chorus.Discord.Tests.Diagnostics;

public sealed class MeterTotalsTests : IDisposable
{
    private static readonly KeyValuePair<string, object?> Late = new("cause", "late");
    private static readonly KeyValuePair<string, object?> Malformed = new("cause", "malformed");
    private static readonly KeyValuePair<string, object?> Receive = new("network.io.direction", "receive");
    private readonly Meter _meter = new("Chorus.Test.Totals");
    private readonly Meter _sameName = new("Chorus.Test.Totals");

    public void Dispose()
    {
        _meter.Dispose();
        _sameName.Dispose();
    }

    [Fact]
    public void Sums_one_meter_by_instrument_and_tag_and_ignores_a_meter_of_the_same_name()
    {
        var dropped = _meter.CreateCounter<long>("chorus.test.dropped");
        var other = _sameName.CreateCounter<long>("chorus.test.dropped");
        using var totals = new MeterTotals(_meter);
        var created = _meter.CreateUpDownCounter<long>("chorus.test.active");

        dropped.Add(1, Late, Receive);
        dropped.Add(2, Late, Receive);
        dropped.Add(5, Malformed);
        other.Add(100, Late, Receive);
        created.Add(3);
        created.Add(-1);

        Assert.Equal(8, totals.Total("chorus.test.dropped"));
        Assert.Equal(3, totals.Total("chorus.test.dropped", "cause", "late"));
        Assert.Equal(3, totals.Total("chorus.test.dropped", Late));
        Assert.Equal(5, totals.Total("chorus.test.dropped", "cause", "malformed"));
        Assert.Equal(3, totals.Total("chorus.test.dropped", "network.io.direction", "receive"));
        Assert.Equal(2, totals.Total("chorus.test.active"));
        Assert.Equal(0, totals.Total("chorus.test.unknown"));
    }

    [Fact]
    public void Recording_a_tag_combination_seen_before_allocates_nothing()
    {
        var dropped = _meter.CreateCounter<long>("chorus.test.dropped");
        using var totals = new MeterTotals(_meter);
        dropped.Add(1, Late, Receive);
        dropped.Add(1, Malformed);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            dropped.Add(1, Late, Receive);
            dropped.Add(1, Malformed);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2002, totals.Total("chorus.test.dropped"));
    }

    [Fact]
    public void Stops_counting_once_disposed()
    {
        var dropped = _meter.CreateCounter<long>("chorus.test.dropped");
        var totals = new MeterTotals(_meter);
        dropped.Add(4);
        totals.Dispose();
        dropped.Add(4);

        Assert.Equal(4, totals.Total("chorus.test.dropped"));
    }
}
