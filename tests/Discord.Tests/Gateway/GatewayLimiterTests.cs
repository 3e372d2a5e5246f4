using Chorus.Discord.Gateway;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Discord.Tests.Gateway;

public sealed class GatewayLimiterTests
{
    [Fact]
    public async Task Send_limiter_keeps_ordinary_events_under_115_per_minute_and_leaves_room_for_heartbeats()
    {
        var time = new FakeTimeProvider();
        var limiter = new GatewaySendLimiter(time);
        for (var i = 0; i < GatewaySendLimiter.DiscordLimit - GatewaySendLimiter.PriorityReserve; i++)
        {
            Assert.True(limiter.WaitAsync(priority: false, CancellationToken.None).IsCompletedSuccessfully);
        }

        var blocked = limiter.WaitAsync(priority: false, CancellationToken.None);
        Assert.False(blocked.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(blocked.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Priority_sends_may_use_the_reserve()
    {
        var time = new FakeTimeProvider();
        var limiter = new GatewaySendLimiter(time);
        for (var i = 0; i < GatewaySendLimiter.DiscordLimit - GatewaySendLimiter.PriorityReserve; i++)
        {
            await limiter.WaitAsync(priority: false, CancellationToken.None);
        }

        for (var i = 0; i < GatewaySendLimiter.PriorityReserve; i++)
        {
            Assert.True(limiter.WaitAsync(priority: true, CancellationToken.None).IsCompletedSuccessfully);
        }

        Assert.False(limiter.WaitAsync(priority: true, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Identify_gate_admits_one_identify_per_bucket_per_five_seconds()
    {
        var time = new FakeTimeProvider();
        var gate = new IdentifyGate(maxConcurrency: 2, time);

        Assert.True(gate.WaitAsync(0, CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(gate.WaitAsync(1, CancellationToken.None).IsCompletedSuccessfully);
        var shard2 = gate.WaitAsync(2, CancellationToken.None).AsTask();
        var shard3 = gate.WaitAsync(3, CancellationToken.None).AsTask();
        Assert.False(shard2.IsCompleted);
        Assert.False(shard3.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(shard2.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await Task.WhenAll(shard2, shard3).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, gate.BucketOf(2));
        Assert.Equal(1, gate.BucketOf(3));
    }
}
