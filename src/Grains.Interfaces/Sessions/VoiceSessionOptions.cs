namespace Chorus.Grains.Sessions;

/// <summary>Lease timing of voice sessions (configuration section "Sessions"), shared by silos and gateways.</summary>
public sealed class VoiceSessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>
    /// How long an owner keeps a session without renewing. Well above Orleans' failure detection
    /// (about 15 s by default) so a silo failover never looks like a dead gateway.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>How often a gateway renews; a third of the lease leaves two renewals of slack.</summary>
    public TimeSpan RenewalInterval { get; set; } = TimeSpan.FromSeconds(15);
}
