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

        if (wait > TimeSpan.Zero)
        {
            _logger.LogInformation("Shard {ShardId}: identify queued for {Wait} by the cluster", shardId, wait);
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
