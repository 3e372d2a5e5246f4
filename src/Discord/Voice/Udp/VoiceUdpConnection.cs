using System.Net;
using System.Net.Sockets;
using Chorus.Discord.Voice.Receive;

namespace Chorus.Discord.Voice.Udp;

/// <summary>
/// The one UDP socket of a voice connection, connected to the voice server's address so the kernel filters
/// datagrams from anyone else. Runs the receive loop and the keepalive; survives gateway resumes.
/// </summary>
internal sealed class VoiceUdpConnection : IVoiceDatagramSink, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _receiveBuffer = new byte[2048];
    private Task? _receiveLoop;
    private Task? _keepaliveLoop;
    private uint _keepaliveCounter;
    private long _socketErrors;

    public VoiceUdpConnection(IPEndPoint server)
    {
        Server = server;
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        _socket.Connect(server);
    }

    public IPEndPoint Server { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Send/receive errors (ICMP port unreachable and the like) that the loops survived.</summary>
    public long SocketErrors => Interlocked.Read(ref _socketErrors);

    /// <summary>Asks the server which address and port it sees us at (up to three tries).</summary>
    public async Task<(string Address, ushort Port)> DiscoverAsync(uint ssrc, TimeSpan timeoutPerTry, CancellationToken cancellationToken)
    {
        var request = new byte[IpDiscovery.Length];
        IpDiscovery.WriteRequest(request, ssrc);
        var buffer = new byte[2048];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(timeoutPerTry);
            try
            {
                while (true)
                {
                    var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    if (IpDiscovery.TryParseResponse(buffer.AsSpan(0, n), ssrc, out var address, out var port))
                    {
                        return (address, port);
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _socketErrors);
            }
        }
        throw new TimeoutException("Voice UDP IP discovery got no answer.");
    }

    /// <summary>Starts the receive loop (feeding <paramref name="receiver"/>) and the keepalive.</summary>
    public void Start(VoiceReceiver receiver, TimeSpan? keepaliveInterval = null)
    {
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(receiver));
        _keepaliveLoop = Task.Run(() => KeepaliveLoopAsync(keepaliveInterval ?? UdpKeepalive.Interval));
    }

    public bool Send(ReadOnlySpan<byte> datagram)
    {
        try
        {
            return _socket.Send(datagram, SocketFlags.None) == datagram.Length;
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _socketErrors);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ReceiveLoopAsync(VoiceReceiver receiver)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(_receiveBuffer, SocketFlags.None, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connected UDP socket reports an earlier ICMP error here; the next datagram may be fine.
                Interlocked.Increment(ref _socketErrors);
                continue;
            }
            receiver.ProcessDatagram(_receiveBuffer.AsSpan(0, n));
        }
    }

    private async Task KeepaliveLoopAsync(TimeSpan interval)
    {
        var token = _stop.Token;
        var datagram = new byte[UdpKeepalive.Length];
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                UdpKeepalive.Write(datagram, _keepaliveCounter++);
                Send(datagram);
            }
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        foreach (var loop in new[] { _receiveLoop, _keepaliveLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }
        _stop.Dispose();
    }
}
