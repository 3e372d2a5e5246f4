using Chorus.Grains.Sharding;

namespace Chorus.Grains.Tests;

/// <summary>The identify queue is one grain (key 0) per cluster: each test has a cluster of its own.</summary>
[EndToEnd]
public sealed class IdentifyQueueGrainTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5.25);
    private readonly MemoryClusterFixture _fixture = new();

    public ValueTask InitializeAsync() => _fixture.InitializeAsync();

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    private IIdentifyQueueGrain Queue => _fixture.Client.GetGrain<IIdentifyQueueGrain>(0);

    [Fact]
    public async Task Identifies_of_one_bucket_from_many_gateways_at_once_are_spaced_by_the_interval()
    {
        var budget = new IdentifyBudget(MaxConcurrency: 1, Remaining: null, ResetsAt: null, Interval);

        // Four gateways with two shards each start together: all eight are in bucket 0.
        var waits = await Task.WhenAll(Enumerable.Range(0, 8).Select(shard => Queue.ReserveAsync(shard, budget)));

        var ordered = waits.Order().ToList();
        Assert.Equal(TimeSpan.Zero, ordered[0]);
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.Equal(Interval, ordered[i] - ordered[i - 1]);
        }
    }

    [Fact]
    public async Task Buckets_are_independent_and_a_bucket_frees_up_as_time_passes()
    {
        var budget = new IdentifyBudget(MaxConcurrency: 4, Remaining: null, ResetsAt: null, Interval);

        var firstRound = await Task.WhenAll(Enumerable.Range(0, 4).Select(shard => Queue.ReserveAsync(shard, budget)));
        Assert.All(firstRound, wait => Assert.Equal(TimeSpan.Zero, wait));

        Assert.Equal(Interval, await Queue.ReserveAsync(4, budget));
        _fixture.Time.Advance(Interval * 3);
        Assert.Equal(TimeSpan.Zero, await Queue.ReserveAsync(5, budget));
    }

    [Fact]
    public async Task Past_the_remaining_session_starts_the_next_identify_waits_for_the_window_to_reset()
    {
        var resetsAt = _fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(10);
        var budget = new IdentifyBudget(MaxConcurrency: 16, Remaining: 2, ResetsAt: resetsAt, Interval);

        Assert.Equal(TimeSpan.Zero, await Queue.ReserveAsync(0, budget));
        // Another gateway started earlier and reports the same window with more left: the lower count is kept.
        Assert.Equal(TimeSpan.Zero, await Queue.ReserveAsync(1, budget with { Remaining = 5 }));
        var third = await Queue.ReserveAsync(2, budget);

        Assert.Equal(resetsAt + IdentifyQueueGrain.ResetMargin - _fixture.Time.GetUtcNow(), third);
    }
}
