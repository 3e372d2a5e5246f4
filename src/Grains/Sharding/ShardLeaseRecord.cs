namespace Chorus.Grains.Sharding;

/// <summary>The persisted lease of one shard.</summary>
[GenerateSerializer, Alias("chorus.ShardLeaseRecord")]
public sealed class ShardLeaseRecord
{
    [Id(0)] public string? Owner { get; set; }
    [Id(1)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(2)] public string? ReturnRequestedBy { get; set; }
    [Id(3)] public HashSet<long> Sessions { get; set; } = [];
    [Id(4)] public DateTimeOffset? ReturnRequestedUntil { get; set; }
}
