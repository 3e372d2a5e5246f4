namespace Chorus.Gateway.Hosting;

/// <summary>Identity of this gateway process (configuration section "Gateway").</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Unique per running gateway: session leases are held in this name. Defaults to host name and
    /// process id, which differ between restarts so a restarted process never mistakes an old lease for its own.
    /// </summary>
    public string Id { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}
