using System.Net;
using System.Net.Sockets;

namespace Chorus.TestSupport;

/// <summary>
/// Free loopback TCP ports for servers that cannot bind port 0 themselves (child processes, redis-server).
/// </summary>
/// <remarks>
/// A port is chosen, released and bound later by someone else, so two things can steal it in between: any outgoing
/// connection on the machine (its local port comes from the kernel's ephemeral range) and another test process choosing
/// the same port. So ports come from below the ephemeral range (Linux: 32768-60999), and each one handed out is marked
/// with a file in the temp folder that every test process honours for <see cref="Reservation"/>.
/// </remarks>
public static class LoopbackPorts
{
    private const int FirstPort = 20000;
    private const int LastPort = 32000;
    private static readonly TimeSpan Reservation = TimeSpan.FromMinutes(15);
    private static readonly string ReservationFolder = Path.Combine(Path.GetTempPath(), "chorus-test-ports");
    private static readonly Lock Gate = new();
    private static int _next = FirstPort + Random.Shared.Next(LastPort - FirstPort);

    public static int Free()
    {
        Directory.CreateDirectory(ReservationFolder);
        lock (Gate)
        {
            for (var attempt = 0; attempt < LastPort - FirstPort; attempt++)
            {
                var port = _next;
                _next = port == LastPort ? FirstPort : port + 1;
                if (TryReserve(port) && CanBind(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port between {FirstPort} and {LastPort}.");
    }

    private static bool TryReserve(int port)
    {
        var marker = Path.Combine(ReservationFolder, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using (File.Open(marker, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }

            return true;
        }
        catch (IOException)
        {
            // Another test process holds it, or held it long ago and died: a stale marker is taken over.
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(marker) < Reservation)
                {
                    return false;
                }

                File.SetLastWriteTimeUtc(marker, DateTime.UtcNow);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
