using Orleans.Concurrency;

namespace Chorus.Grains.Sharding;

/// <summary>
/// Which gateway process runs one Discord shard, by a lease the owner renews. Only the owner may identify the shard;
/// a lease left unrenewed past its expiry (the owner died) may be acquired by any gateway, which then takes over the
/// shard's live voice sessions. Key: the shard id.
/// </summary>
[Alias("chorus.IShardLeaseGrain")]
public interface IShardLeaseGrain : IGrainWithIntegerKey
{
    /// <summary>Grants the lease when nobody holds it, its holder let it expire, or the caller holds it already.</summary>
    [Alias("Acquire")]
    Task<ShardLease> AcquireAsync(string gatewayId);

    /// <summary>Extends the owner's lease; refused (Granted false) for anyone else.</summary>
    [Alias("Renew")]
    Task<ShardLease> RenewAsync(string gatewayId);

    /// <summary>
    /// The owner gives the shard to <paramref name="toGatewayId"/> with a fresh lease (a rolling restart, or a shard
    /// given back to the gateway that prefers it). Refused when the caller is not the owner.
    /// </summary>
    [Alias("HandOver")]
    Task<ShardLease> HandOverAsync(string fromGatewayId, string toGatewayId);

    /// <summary>The owner lets the shard go; anyone may acquire it at once.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string gatewayId);

    /// <summary>
    /// A gateway that prefers the shard (its SHARD_IDS) asks for it. An owner that does not prefer it sees the request on
    /// its next renewal and hands the shard over in order; an owner that prefers it too (the requester is its replacement,
    /// started before it stops) keeps the shard and hands it to the requester, its standby, when it stops. The request
    /// lapses after a lease duration unless repeated, and a live request by another gateway is not replaced.
    /// </summary>
    [Alias("RequestReturn")]
    Task<ShardLease> RequestReturnAsync(string gatewayId);

    /// <summary>A voice session started on a guild of the shard (the guilds a new owner must rejoin).</summary>
    [Alias("AddSession")]
    Task AddSessionAsync(long guildId);

    /// <summary>A voice session of the shard ended.</summary>
    [Alias("RemoveSession")]
    Task RemoveSessionAsync(long guildId);

    /// <summary>The guilds of the shard that had a live voice session when last told.</summary>
    [ReadOnly, Alias("GetSessions")]
    Task<IReadOnlyList<long>> GetSessionsAsync();

    [ReadOnly, Alias("Get")]
    Task<ShardLease> GetAsync();
}

/// <summary>The lease as the grain sees it after a call.</summary>
/// <param name="Granted">Whether the caller holds the lease now.</param>
/// <param name="Owner">Who holds it (null: nobody).</param>
/// <param name="ExpiresAt">When it ends unless renewed.</param>
/// <param name="ReturnRequestedBy">A live gateway that prefers the shard and asked for it (null once the request lapsed).</param>
/// <param name="Orphaned">
/// The shard had an owner whose lease expired without a release or a handover: it died, and its live sessions wait for
/// a gateway to take them over.
/// </param>
[GenerateSerializer, Immutable, Alias("chorus.ShardLease")]
public sealed record ShardLease(
    [property: Id(0)] bool Granted,
    [property: Id(1)] string? Owner,
    [property: Id(2)] DateTimeOffset? ExpiresAt,
    [property: Id(3)] string? ReturnRequestedBy,
    [property: Id(4)] bool Orphaned = false);
