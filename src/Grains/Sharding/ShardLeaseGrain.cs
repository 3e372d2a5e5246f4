using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Grains.Sharding;

/// <summary>
/// Non-reentrant, so acquire, renew and hand over are decided one call at a time: at any moment the record names one
/// owner, and an expired lease goes to exactly one caller.
/// </summary>
[GrainType("shard-lease")]
public sealed class ShardLeaseGrain(
    [PersistentState("shard", GrainStorageNames.Default)] IPersistentState<ShardLeaseRecord> state,
    IOptions<ShardLeaseOptions> options,
    TimeProvider time,
    ILogger<ShardLeaseGrain> logger) : Grain, IShardLeaseGrain
{
    private long ShardId => this.GetPrimaryKeyLong();

    private ShardLeaseRecord Record => state.State;

    private TimeSpan LeaseDuration => options.Value.LeaseDuration;

    /// <summary>
    /// How long after its expiry a stored lease is still taken for a live owner that could not reach the grain: longer
    /// than Orleans takes to declare a silo dead and reactivate its grains elsewhere (about 30 s by default).
    /// </summary>
    public static readonly TimeSpan FailoverGrace = TimeSpan.FromMinutes(1);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A new activation follows a silo's death or a deactivation: while the grain could not be reached its owner could
        // not renew either, so a recently lapsed expiry says nothing about the owner. It gets a full lease from now, which
        // keeps a silo failover from ever looking like a dead gateway (whose shard another gateway would identify too).
        // A lease that lapsed longer ago belonged to a process that is gone.
        var now = time.GetUtcNow();
        if (Record.Owner is not null && Record.ExpiresAt is { } expiry && expiry < now + LeaseDuration && expiry > now - FailoverGrace)
        {
            Record.ExpiresAt = now + LeaseDuration;
        }

        return Task.CompletedTask;
    }

    public async Task<ShardLease> AcquireAsync(string gatewayId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayId);
        var now = time.GetUtcNow();
        if (Record.Owner is { } owner && owner != gatewayId && Record.ExpiresAt > now)
        {
            return Lease(gatewayId);
        }

        if (Record.Owner is { } previous && previous != gatewayId)
        {
            logger.LogWarning("Shard {ShardId}: lease of gateway {Previous} expired at {Expiry}; gateway {Gateway} takes the shard over",
                ShardId, previous, Record.ExpiresAt, gatewayId);
        }
        else if (Record.Owner is null)
        {
            logger.LogInformation("Shard {ShardId}: acquired by gateway {Gateway}", ShardId, gatewayId);
        }

        Record.Owner = gatewayId;
        Record.ExpiresAt = now + LeaseDuration;
        if (Record.ReturnRequestedBy == gatewayId)
        {
            Record.ReturnRequestedBy = null;
        }

        await state.WriteStateAsync();
        return Lease(gatewayId);
    }

    public async Task<ShardLease> RenewAsync(string gatewayId)
    {
        if (Record.Owner != gatewayId)
        {
            return Lease(gatewayId);
        }

        Record.ExpiresAt = time.GetUtcNow() + LeaseDuration;
        await state.WriteStateAsync();
        return Lease(gatewayId);
    }

    public async Task<ShardLease> HandOverAsync(string fromGatewayId, string toGatewayId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toGatewayId);
        if (Record.Owner != fromGatewayId)
        {
            return Lease(fromGatewayId);
        }

        logger.LogInformation("Shard {ShardId}: handed over from gateway {From} to gateway {To}", ShardId, fromGatewayId, toGatewayId);
        Record.Owner = toGatewayId;
        Record.ExpiresAt = time.GetUtcNow() + LeaseDuration;
        Record.ReturnRequestedBy = null;
        Record.ReturnRequestedUntil = null;
        await state.WriteStateAsync();
        return Lease(fromGatewayId);
    }

    public async Task ReleaseAsync(string gatewayId)
    {
        if (Record.Owner != gatewayId)
        {
            return;
        }

        Record.Owner = null;
        Record.ExpiresAt = null;
        await state.WriteStateAsync();
    }

    public async Task<ShardLease> RequestReturnAsync(string gatewayId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayId);
        var now = time.GetUtcNow();
        // A live request by another gateway stands: two standbys taking turns would each be the receiver for a moment.
        var heldByOther = Record.ReturnRequestedBy is { } other && other != gatewayId && Record.ReturnRequestedUntil > now;
        if (Record.Owner is not null && Record.Owner != gatewayId && !heldByOther)
        {
            // The request lapses like a lease unless repeated: a standby that died is never handed the shard.
            Record.ReturnRequestedBy = gatewayId;
            Record.ReturnRequestedUntil = now + LeaseDuration;
            await state.WriteStateAsync();
        }

        return Lease(gatewayId);
    }

    public async Task AddSessionAsync(long guildId)
    {
        if (Record.Sessions.Add(guildId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveSessionAsync(long guildId)
    {
        if (Record.Sessions.Remove(guildId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<long>> GetSessionsAsync() => Task.FromResult<IReadOnlyList<long>>([.. Record.Sessions.Order()]);

    public Task<ShardLease> GetAsync() => Task.FromResult(Lease(null));

    private ShardLease Lease(string? caller)
    {
        var live = Record.Owner is not null && Record.ExpiresAt > time.GetUtcNow();
        var requestLive = Record.ReturnRequestedBy is not null && Record.ReturnRequestedUntil > time.GetUtcNow();
        return new ShardLease(
            caller is not null && live && Record.Owner == caller, live ? Record.Owner : null, live ? Record.ExpiresAt : null,
            requestLive ? Record.ReturnRequestedBy : null, Orphaned: Record.Owner is not null && !live);
    }
}
