namespace Chorus.Discord.Rest;

/// <summary>One rate-limit bucket (Discord's bucket hash + the major parameter). Requests in a bucket are serialized.</summary>
internal sealed class RestBucket
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>-1 while unknown.</summary>
    public int Remaining { get; set; } = -1;

    /// <summary>Timestamp (TimeProvider) when the bucket refills; 0 = none.</summary>
    public long ResetAt { get; set; }
}
