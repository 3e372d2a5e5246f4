namespace Chorus.Silo.Hosting;

/// <summary>The Orleans Dashboard and health endpoints (configuration section "Dashboard").</summary>
public sealed class ChorusDashboardOptions
{
    public const string SectionName = "Dashboard";

    public bool Enabled { get; set; } = true;

    /// <summary>Loopback by default: the dashboard shows grain state and topology and has no login of its own.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8088;
}
