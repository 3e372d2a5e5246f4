using System.Net;
using System.Net.Sockets;
using Chorus.Discord.Voice.Receive;

namespace Chorus.Discord.Voice.Udp;

/// <summary>
/// The one UDP socket of a voice connection, connected to the voice server's address so the kernel filters
/// datagrams from anyone else. Runs the receive loop and the keepalive; survives gateway resumes.
/// </summary>
/// <remarks>
/// The receive loop is a thread of its own, blocked in the socket's receive: a datagram wakes it directly, and its
/// audio goes through decryption, decoding and mixing to the model's socket on that thread. An asynchronous receive
/// costs an epoll wake-up and a hop to a thread-pool worker per datagram instead (measured at 100 conversations: the
/// receive path's hops were ~5 % of the gateway's CPU). The socket is only ever used synchronously, so the runtime
/// leaves it blocking and the receive is one system call.
/// </remarks>
internal sealed class VoiceUdpConnection : IVoiceDatagramSink, IAsyncDisposable
{
    /// <summary>How long a blocked receive waits before it looks whether the connection is closing.</summary>
    private static readonly TimeSpan ReceivePollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a discovery waiting for its answer looks whether it was cancelled.</summary>
    private static readonly TimeSpan DiscoveryPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _receiveBuffer = new byte[2048];
    private Thread? _receiveThread;
    private readonly TaskCompletionSource _receiveEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _keepaliveLoop;
    private uint _keepaliveCounter;
    private long _socketErrors;

    public VoiceUdpConnection(IPEndPoint server)
    {
        Server = server;
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        _socket.Connect(server);
        _socket.ReceiveTimeout = (int)ReceivePollInterval.TotalMilliseconds;
    }

    public IPEndPoint Server { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Send/receive errors (ICMP port unreachable and the like) that the loops survived.</summary>
    public long SocketErrors => Interlocked.Read(ref _socketErrors);

    /// <summary>Asks the server which address and port it sees us at (up to three tries).</summary>
    /// <remarks>Synchronous socket calls on a pool thread: one asynchronous call would turn the socket non-blocking for good.</remarks>
    public Task<(string Address, ushort Port)> DiscoverAsync(uint ssrc, TimeSpan timeoutPerTry, CancellationToken cancellationToken) =>
        Task.Run(() => Discover(ssrc, timeoutPerTry, cancellationToken), cancellationToken);

    private (string Address, ushort Port) Discover(uint ssrc, TimeSpan timeoutPerTry, CancellationToken cancellationToken)
    {
        var request = new byte[IpDiscovery.Length];
        IpDiscovery.WriteRequest(request, ssrc);
        var buffer = new byte[2048];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Send(request);
            var deadline = Environment.TickCount64 + (long)timeoutPerTry.TotalMilliseconds;
            while (Environment.TickCount64 < deadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Wait no longer than the try has left (the receive's own timeout is the loop's poll interval), and look
                // at the token at least every DiscoveryPollInterval.
                var wait = Math.Min(deadline - Environment.TickCount64, (long)DiscoveryPollInterval.TotalMilliseconds);
                if (wait <= 0 || !_socket.Poll(TimeSpan.FromMilliseconds(wait), SelectMode.SelectRead))
                {
                    continue;
                }

                var n = _socket.Receive(buffer, SocketFlags.None, out var error);
                if (error == SocketError.TimedOut || error == SocketError.WouldBlock)
                {
                    continue;
                }

                if (error != SocketError.Success)
                {
                    // An ICMP error from an earlier send; the next try may be answered.
                    Interlocked.Increment(ref _socketErrors);
                    continue;
                }

                if (IpDiscovery.TryParseResponse(buffer.AsSpan(0, n), ssrc, out var address, out var port))
                {
                    return (address, port);
                }
            }
        }

        throw new TimeoutException("Voice UDP IP discovery got no answer.");
    }

    /// <summary>Starts the receive loop (feeding <paramref name="receiver"/>) and the keepalive.</summary>
    public void Start(VoiceReceiver receiver, TimeSpan? keepaliveInterval = null)
    {
        _receiveThread = new Thread(() => ReceiveLoop(receiver)) { IsBackground = true, Name = "voice-receive" };
        _receiveThread.Start();
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

    private void ReceiveLoop(VoiceReceiver receiver)
    {
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                int n;
                SocketError error;
                try
                {
                    n = _socket.Receive(_receiveBuffer, SocketFlags.None, out error);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                if (error == SocketError.Success)
                {
                    receiver.ProcessDatagram(_receiveBuffer.AsSpan(0, n));
                }
                else if (error is not (SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted))
                {
                    if (token.IsCancellationRequested)
                    {
                        return;
                    }

                    // A connected UDP socket reports an earlier ICMP error here; the next datagram may be fine.
                    Interlocked.Increment(ref _socketErrors);
                }
            }
        }
        finally
        {
            _receiveEnded.TrySetResult();
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
        if (_receiveThread is not null)
        {
            // A receive blocked in the kernel returns within its poll interval at the latest.
            await _receiveEnded.Task.ConfigureAwait(false);
        }

        if (_keepaliveLoop is not null)
        {
            await _keepaliveLoop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
