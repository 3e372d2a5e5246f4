using Chorus.Discord.Gateway;
using Chorus.Grains.Sharding;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sharding;

/// <summary>
/// The identify gate of a gateway process in a cluster: every identify takes its slot from the one
/// <see cref="IIdentifyQueueGrain"/>, so the shards of all gateway processes share Discord's buckets and budget.
/// While the cluster cannot be reached the process falls back to its own gate, which still keeps its own shards apart.
/// </summary>
public sealed class ClusterIdentifyGate : IIdentifyGate
{
    /// <summary>Discord admits one identify per bucket per 5 s.</summary>
    public static readonly TimeSpan DiscordInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Added to Discord's interval: a slot is granted by the grain but the identify is sent by the gateway, a few
    /// milliseconds and one more hop later, and two gateways' hops differ.
    /// </summary>
    public static readonly TimeSpan TransitMargin = TimeSpan.FromMilliseconds(250);

    // Each missed slot costs one session start of the window in the queue's count; a few bound that.
    private const int MaxAttempts = 4;

    private readonly IGrainFactory _grains;
    private readonly IdentifyLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IdentifyGate _fallback;
    private readonly DateTimeOffset? _resetsAt;
    private readonly TimeSpan _interval;

    public ClusterIdentifyGate(IGrainFactory grains, IdentifyLimits limits, TimeProvider time, ILogger logger, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _grains = grains;
        _limits = limits;
        _time = time;
        _logger = logger;
        _interval = interval ?? DiscordInterval + TransitMargin;
        _fallback = new IdentifyGate(Math.Max(1, limits.MaxConcurrency), time, _interval);
        _resetsAt = limits.ResetAfter is { } after ? time.GetUtcNow() + after : null;
    }

    public async ValueTask WaitAsync(int shardId, CancellationToken cancellationToken)
    {
        // A slot is a moment in the cluster's schedule: an identify sent well after it (a stalled process, a slow round
        // trip to the grain) would land close to the next slot of the bucket, which Discord refuses. Late, the slot is
        // given up and a new one reserved; the lateness counts from before the call, so the round trip counts too.
        for (var attempt = 1; ; attempt++)
        {
            var asked = _time.GetTimestamp();
            TimeSpan wait;
            try
            {
                wait = await _grains.GetGrain<IIdentifyQueueGrain>(0)
                    .ReserveAsync(shardId, new IdentifyBudget(Math.Max(1, _limits.MaxConcurrency), _limits.Remaining, _resetsAt, _interval))
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Shard {ShardId}: the cluster's identify queue did not answer; this process's own gate spaces the identify", shardId);
                await _fallback.WaitAsync(shardId, cancellationToken).ConfigureAwait(false);
                return;
            }

            var remaining = wait - _time.GetElapsedTime(asked);
            if (remaining > TimeSpan.Zero)
            {
                _logger.LogInformation("Shard {ShardId}: identify queued for {Wait} by the cluster", shardId, wait);
                await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
            }

            var late = _time.GetElapsedTime(asked) - wait;
            if (late <= TransitMargin / 2)
            {
                return;
            }

            if (attempt >= MaxAttempts)
            {
                // Only a process that keeps missing its slots needs a look (starved of CPU, or a slow silo).
                _logger.LogWarning("Shard {ShardId}: identify slot missed {Attempts} times in a row, the last by {Late}; identifying now", shardId, attempt, late);
                return;
            }

            // A loaded machine misses a slot now and then; the next one costs a few seconds and nothing else.
            _logger.LogInformation("Shard {ShardId}: identify slot missed by {Late}; queued again", shardId, late);
        }
    }
}
