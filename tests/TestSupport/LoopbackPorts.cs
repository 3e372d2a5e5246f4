using System.Net;
using System.Net.Sockets;

namespace Chorus.TestSupport;

/// <summary>Free loopback TCP ports for servers that cannot bind port 0 themselves.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
