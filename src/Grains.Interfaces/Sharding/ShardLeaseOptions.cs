namespace Chorus.Grains.Sharding;

/// <summary>Shard ownership across gateway processes (configuration section "Shards"), read by silos and gateways.</summary>
public sealed class ShardLeaseOptions
{
    public const string SectionName = "Shards";

    /// <summary>
    /// How long a gateway keeps a shard without renewing: the failure-detection bound of a dead gateway. Ten seconds
    /// leaves five renewals of slack at the default interval, and keeps a takeover (this, one renewal interval to
    /// notice, the identify and the voice rejoin) under the 20 s a conversation may go silent.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a gateway renews its shards and looks for shards whose owner let the lease expire.</summary>
    public TimeSpan RenewalInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether this gateway takes over any shard of SHARD_COUNT whose owner died (true), or only the shards of its
    /// SHARD_IDS (false: a deployment that pins shards to machines).
    /// </summary>
    public bool TakeOverAnyShard { get; set; } = true;

    /// <summary>How long a stopping gateway waits for the gateway it hands its shards to before it ends their sessions.</summary>
    public TimeSpan HandoverTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a gateway handed a shard waits, per session, for what the previous owner leaves as its voice ends (the
    /// Gemini handle and the audio that handle's session never heard) before it resumes from the stored handle instead.
    /// </summary>
    public TimeSpan HandoffTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a stopping gateway waits, before handing a shard to its standby, for every call of the shard to be at a
    /// pause (nobody speaking, the bot silent): the standby's identify cuts them all at once, and what a user says while
    /// the bot is out of the call (about half a second) never reaches any process. Zero hands over at once.
    /// </summary>
    public TimeSpan PauseWait { get; set; } = TimeSpan.FromSeconds(5);
}
