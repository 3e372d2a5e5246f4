using Chorus.Grains.Sessions;
using Chorus.Grains.Sharding;

namespace Chorus.Grains.Tests;

[EndToEnd]
public sealed class ShardLeaseGrainTests(MemoryClusterFixture fixture) : IClassFixture<MemoryClusterFixture>
{
    private static readonly TimeSpan Lease = new ShardLeaseOptions().LeaseDuration;

    // Each test its own shard, so the tests sharing the cluster never share a lease.
    private IShardLeaseGrain NewShard() => fixture.Client.GetGrain<IShardLeaseGrain>(Random.Shared.Next(1_000, int.MaxValue));

    [Fact]
    public async Task A_held_lease_is_refused_to_others_until_it_expires_then_taken_over_as_orphaned()
    {
        var shard = NewShard();
        Assert.True((await shard.AcquireAsync("gw-a")).Granted);

        fixture.Time.Advance(Lease - TimeSpan.FromSeconds(1));
        var refused = await shard.AcquireAsync("gw-b");
        Assert.False(refused.Granted);
        Assert.Equal("gw-a", refused.Owner);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var orphaned = await shard.GetAsync();
        Assert.Null(orphaned.Owner);
        Assert.True(orphaned.Orphaned);

        var taken = await shard.AcquireAsync("gw-b");
        Assert.True(taken.Granted);
        Assert.Equal("gw-b", taken.Owner);
        Assert.False((await shard.RenewAsync("gw-a")).Granted);
    }

    [Fact]
    public async Task Renewals_keep_the_lease_past_its_first_expiry()
    {
        var shard = NewShard();
        await shard.AcquireAsync("gw-a");
        for (var i = 0; i < 5; i++)
        {
            fixture.Time.Advance(Lease / 2);
            Assert.True((await shard.RenewAsync("gw-a")).Granted);
        }

        Assert.False((await shard.AcquireAsync("gw-b")).Granted);
    }

    [Fact]
    public async Task Never_two_owners_when_many_gateways_race_for_a_free_and_then_an_expired_lease()
    {
        var shard = NewShard();
        var gateways = Enumerable.Range(0, 16).Select(i => $"gw-{i}").ToList();

        var first = await Task.WhenAll(gateways.Select(g => shard.AcquireAsync(g)));
        var winner = Assert.Single(first, l => l.Granted).Owner;
        Assert.All(first, l => Assert.Equal(winner, l.Owner));

        fixture.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = await Task.WhenAll(gateways.Select(g => shard.AcquireAsync(g)));
        var next = Assert.Single(second, l => l.Granted).Owner;
        Assert.All(second, l => Assert.Equal(next, l.Owner));
        var renewals = await Task.WhenAll(gateways.Select(g => shard.RenewAsync(g)));
        Assert.Equal(next, Assert.Single(renewals, l => l.Granted).Owner);
    }

    [Fact]
    public async Task A_return_request_is_seen_by_the_owner_who_hands_the_shard_over()
    {
        var shard = NewShard();
        await shard.AcquireAsync("gw-b");
        await shard.RequestReturnAsync("gw-a");

        var renewed = await shard.RenewAsync("gw-b");
        Assert.Equal("gw-a", renewed.ReturnRequestedBy);

        Assert.False((await shard.HandOverAsync("gw-c", "gw-a")).Granted);
        var handed = await shard.HandOverAsync("gw-b", "gw-a");
        Assert.Equal("gw-a", handed.Owner);
        Assert.False(handed.Granted);
        var now = await shard.GetAsync();
        Assert.Equal("gw-a", now.Owner);
        Assert.Null(now.ReturnRequestedBy);
        Assert.False(now.Orphaned);
        Assert.False((await shard.RenewAsync("gw-b")).Granted);
        Assert.True((await shard.RenewAsync("gw-a")).Granted);
    }

    [Fact]
    public async Task A_return_request_lapses_unless_repeated_and_is_not_taken_by_another_while_live()
    {
        var shard = NewShard();
        await shard.AcquireAsync("gw-a");
        await shard.RequestReturnAsync("gw-a-next");
        Assert.Equal("gw-a-next", (await shard.RequestReturnAsync("gw-c")).ReturnRequestedBy);

        // The standby repeats its request each pass: it stays the one the owner hands the shard to.
        fixture.Time.Advance(Lease - TimeSpan.FromSeconds(1));
        await shard.RenewAsync("gw-a");
        await shard.RequestReturnAsync("gw-a-next");
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("gw-a-next", (await shard.RenewAsync("gw-a")).ReturnRequestedBy);

        // A standby that died stops repeating it: the owner no longer sees it, and another may ask.
        fixture.Time.Advance(Lease);
        Assert.Null((await shard.RenewAsync("gw-a")).ReturnRequestedBy);
        Assert.Equal("gw-c", (await shard.RequestReturnAsync("gw-c")).ReturnRequestedBy);
    }

    [Fact]
    public async Task A_released_shard_is_free_but_not_orphaned()
    {
        var shard = NewShard();
        await shard.AcquireAsync("gw-a");
        await shard.ReleaseAsync("gw-b");
        Assert.Equal("gw-a", (await shard.GetAsync()).Owner);

        await shard.ReleaseAsync("gw-a");
        var free = await shard.GetAsync();
        Assert.Null(free.Owner);
        Assert.False(free.Orphaned);
    }

    [Fact]
    public async Task The_shard_remembers_its_live_sessions()
    {
        var shard = NewShard();
        await shard.AddSessionAsync(7);
        await shard.AddSessionAsync(3);
        await shard.AddSessionAsync(7);
        Assert.Equal([3L, 7L], await shard.GetSessionsAsync());
        await shard.RemoveSessionAsync(7);
        Assert.Equal([3L], await shard.GetSessionsAsync());
    }

    [Fact]
    public async Task A_session_is_taken_over_only_by_the_holder_of_its_shard_and_keeps_its_channel_and_handle()
    {
        var (session, shard, shardId) = await ActiveSessionOnShardOfGatewayAAsync();

        var refused = await session.TakeOverAsync("gw-b", shardId, ShardCount);
        Assert.Equal(JoinOutcome.LeaseConflict, refused.Outcome);
        var wrongShard = await session.TakeOverAsync("gw-a", (shardId + 1) % ShardCount, ShardCount);
        Assert.Equal(JoinOutcome.AlreadyJoined, wrongShard.Outcome);

        await shard.HandOverAsync("gw-a", "gw-b");
        var elsewhere = await session.TakeOverAsync("gw-b", (shardId + 1) % ShardCount, ShardCount);
        Assert.Equal(JoinOutcome.LeaseConflict, elsewhere.Outcome);

        var taken = await session.TakeOverAsync("gw-b", shardId, ShardCount);
        Assert.Equal(JoinOutcome.TookOver, taken.Outcome);
        Assert.Equal("gw-b", taken.Session.OwnerGatewayId);
        Assert.Equal(500UL, taken.Session.ChannelId);
        Assert.Equal("handle-7", taken.Session.ResumptionHandle);
        Assert.NotNull(taken.Settings);
        Assert.False((await session.RenewLeaseAsync("gw-a", null!)).Owned);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task What_the_previous_owner_leaves_goes_once_to_the_gateway_that_took_the_session_over(bool leftBeforeTheTakeover)
    {
        var (session, shard, shardId) = await ActiveSessionOnShardOfGatewayAAsync();
        await shard.HandOverAsync("gw-a", "gw-b");
        var left = new SessionHandoff("handle-8", [1, 2, 3]);

        // The old owner's close and the receiver's takeover both follow the receiver's identify: either comes first.
        if (leftBeforeTheTakeover)
        {
            await session.HandOffAsync("gw-a", left);
        }

        Assert.Equal(JoinOutcome.TookOver, (await session.TakeOverAsync("gw-b", shardId, ShardCount)).Outcome);
        await session.HandOffAsync("gw-c", new SessionHandoff("handle-x", [9]));
        if (!leftBeforeTheTakeover)
        {
            Assert.Null(await session.TakeHandoffAsync("gw-b"));
            await session.HandOffAsync("gw-a", left);
        }

        Assert.Null(await session.TakeHandoffAsync("gw-a"));
        var taken = await session.TakeHandoffAsync("gw-b");
        Assert.NotNull(taken);
        Assert.Equal("handle-8", taken.ResumptionHandle);
        Assert.Equal([1, 2, 3], taken.UnheardAudio);
        Assert.Null(await session.TakeHandoffAsync("gw-b"));
        Assert.Equal("handle-8", (await session.GetAsync()).ResumptionHandle);
    }

    private const int ShardCount = 4;

    /// <summary>A guild's session active on gw-a with handle-7 stored, and its shard (of <see cref="ShardCount"/>) leased to gw-a.</summary>
    private async Task<(IVoiceSessionGrain Session, IShardLeaseGrain Shard, int ShardId)> ActiveSessionOnShardOfGatewayAAsync()
    {
        var guildId = TestClusters.NewGuildId();
        var shardId = (int)(((ulong)guildId >> 22) % ShardCount);
        var session = fixture.Client.GetGrain<IVoiceSessionGrain>(guildId);
        await session.JoinAsync(new JoinRequest(ChannelId: 500, GatewayId: "gw-a", RequestedBy: 1));
        await session.ReportStateAsync("gw-a", VoiceSessionState.Active);
        await session.RecordResumptionHandleAsync("gw-a", "handle-7");
        var shard = fixture.Client.GetGrain<IShardLeaseGrain>(shardId);
        await shard.ReleaseAsync((await shard.GetAsync()).Owner ?? "nobody");
        await shard.AcquireAsync("gw-a");
        return (session, shard, shardId);
    }
}
