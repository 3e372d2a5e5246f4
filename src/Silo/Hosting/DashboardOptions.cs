using System.Net;
using System.Net.Sockets;

namespace Chorus.Silo.Hosting;

/// <summary>The Orleans Dashboard and health endpoints (configuration section "Dashboard").</summary>
public sealed class ChorusDashboardOptions
{
    public const string SectionName = "Dashboard";

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
    public string ListenUrl => $"http://{FormatHost(IPAddress.Parse(BindAddress))}:{Port}";

    public static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
