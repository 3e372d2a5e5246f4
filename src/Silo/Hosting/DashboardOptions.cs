using System.Net;
using Chorus.Gateway.Hosting;

namespace Chorus.Silo.Hosting;

/// <summary>The Orleans Dashboard and health endpoints (configuration section "Dashboard").</summary>
public sealed class ChorusDashboardOptions
{
    public const string SectionName = "Dashboard";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Silo, LoopbackUnlessAcknowledged)
    {
        { nameof(Enabled), SettingRules.TrueOrFalse, SettingRules.IsBool },
        { nameof(Port), SettingRules.PortOrZero, v => SettingRules.IsInt(v, 0, 65535) },
        { nameof(BindAddress), SettingRules.IpAddress, SettingRules.IsIpAddress },
        { nameof(AllowNonLoopback), SettingRules.TrueOrFalse, SettingRules.IsBool },
    };

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Loopback by default: the dashboard shows grain state and topology and has no login of its own. Any other
    /// address is refused at start unless <see cref="AllowNonLoopback"/> is set.
    /// </summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The operator's acknowledgement that the dashboard may be reached from other machines (a container's 0.0.0.0).</summary>
    public bool AllowNonLoopback { get; set; }

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; set; } = 8088;

    /// <summary>The Kestrel URL; the address was checked at start (StartupCheck), so it parses.</summary>
    public string ListenUrl => $"http://{HealthEndpoints.FormatHost(IPAddress.Parse(BindAddress))}:{Port}";

    private static string? LoopbackUnlessAcknowledged(IConfiguration configuration)
    {
        var bindAddress = configuration["Dashboard:BindAddress"] ?? "127.0.0.1";
        return configuration.GetValue("Dashboard:Enabled", true) && IPAddress.TryParse(bindAddress, out var address) && !IPAddress.IsLoopback(address)
            && !configuration.GetValue("Dashboard:AllowNonLoopback", false)
            ? SettingsSection.Describe("Dashboard:BindAddress", bindAddress,
                "a loopback address (127.0.0.1, ::1): the dashboard has no login; to listen on another address set Dashboard:AllowNonLoopback=true as well")
            : null;
    }
}
