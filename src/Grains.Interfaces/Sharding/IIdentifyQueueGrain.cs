namespace Chorus.Grains.Sharding;

/// <summary>
/// Discord's session-start limits, shared by every gateway process of the bot: one identify per
/// <c>max_concurrency</c> bucket per interval, and the window's <c>remaining</c> starts. One activation (key 0) queues
/// the identifies of the whole cluster, so gateways that start together never exceed them.
/// </summary>
[Alias("chorus.IIdentifyQueueGrain")]
public interface IIdentifyQueueGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Reserves the next identify slot of the shard's bucket and returns how long the caller waits before it sends the
    /// identify (zero: at once). Each call takes one session start of the window.
    /// </summary>
    [Alias("Reserve")]
    Task<TimeSpan> ReserveAsync(int shardId, IdentifyBudget budget);
}

/// <summary>What the caller knows of the limits (from GET /gateway/bot when it resolved its shards).</summary>
/// <param name="MaxConcurrency">The number of buckets; at least 1.</param>
/// <param name="Remaining">Session starts left in the window when the caller asked; null when it did not ask.</param>
/// <param name="ResetsAt">When that window ends; null when the caller did not ask.</param>
/// <param name="Interval">Time between two identifies of one bucket (Discord: 5 s, plus a margin for transit).</param>
[GenerateSerializer, Immutable, Alias("chorus.IdentifyBudget")]
public sealed record IdentifyBudget(
    [property: Id(0)] int MaxConcurrency,
    [property: Id(1)] int? Remaining,
    [property: Id(2)] DateTimeOffset? ResetsAt,
    [property: Id(3)] TimeSpan Interval);
