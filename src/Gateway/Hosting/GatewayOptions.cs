namespace Chorus.Gateway.Hosting;

/// <summary>Identity of this gateway process (configuration section "Gateway").</summary>
public sealed partial class GatewayOptions
{
    public const string SectionName = "Gateway";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway)
    {
        { nameof(Id), "a name without spaces (letters, digits, . _ -)", v => IdPattern().IsMatch(v) },
    };

    /// <summary>
    /// Unique per running gateway: session leases are held in this name. Defaults to host name and
    /// process id, which differ between restarts so a restarted process never mistakes an old lease for its own.
    /// </summary>
    public string Id { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex IdPattern();
}
