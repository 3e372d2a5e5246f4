using System.Net;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Where a gateway-only process serves /alive and /health (configuration section "Health"). The silo and the
/// all-in-one process serve them beside the dashboard (section "Dashboard") instead.
/// </summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>The port a gateway-only process listens on unless told otherwise: the one after the dashboard's 8088.</summary>
    public const int DefaultPort = 8089;

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway)
    {
        { nameof(Enabled), SettingRules.TrueOrFalse, SettingRules.IsBool },
        { nameof(BindAddress), SettingRules.IpAddress, SettingRules.IsIpAddress },
        { nameof(Port), SettingRules.PortOrZero, v => SettingRules.IsInt(v, 0, 65535) },
    };

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Loopback by default: a container's own health check runs inside the container. An orchestrator that probes from
    /// outside (Kubernetes) sets the pod's address or 0.0.0.0; the endpoints say only what the process waits for.
    /// </summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests); the address taken is logged.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The address to listen on; checked at start (StartupCheck), so it parses.</summary>
    public IPAddress Address => IPAddress.Parse(BindAddress);

    /// <summary>Where a probe on the same machine finds /health: a wildcard address is reached through loopback.</summary>
    public Uri ProbeUrl(int? port = null)
    {
        var address = IPAddress.TryParse(BindAddress, out var parsed) ? parsed : IPAddress.Loopback;
        if (address.Equals(IPAddress.Any))
        {
            address = IPAddress.Loopback;
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.IPv6Loopback;
        }

        return new Uri($"http://{HealthEndpoints.FormatHost(address)}:{port ?? Port}{HealthEndpoints.ReadinessPath}");
    }
}
