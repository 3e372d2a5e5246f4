namespace Chorus.Discord.Gateway;

/// <summary>
/// Admits a shard's identify under Discord's session-start limits. <see cref="IdentifyGate"/> admits the shards of one
/// process; a gate shared by the whole cluster replaces it when several processes run shards of the same bot.
/// </summary>
public interface IIdentifyGate
{
    /// <summary>Waits until shard <paramref name="shardId"/> may send its identify.</summary>
    ValueTask WaitAsync(int shardId, CancellationToken cancellationToken);
}

/// <summary>The session-start limits GET /gateway/bot reported when the shard layout was resolved.</summary>
/// <param name="MaxConcurrency">Identify buckets (<c>shard_id % max_concurrency</c>); each admits one identify per 5 s.</param>
/// <param name="Remaining">Session starts left in the current window; null when not asked (fixed count and URL).</param>
/// <param name="ResetAfter">When the window ends; null when not asked.</param>
public sealed record IdentifyLimits(int MaxConcurrency, int? Remaining, TimeSpan? ResetAfter);
