using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Chorus.Bench.Gemini;

/// <summary>
/// A minimal loopback Live endpoint for send-path benchmarks: answers <c>setup</c> with <c>setupComplete</c>, then
/// reads and discards every message into one fixed buffer, so it adds (almost) no allocations of its own.
/// </summary>
internal sealed class DrainingLiveServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private Task _accepting = Task.CompletedTask;

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public long MessagesReceived;

    public void Start()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll([_accepting, .. _connections]).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or WebSocketException or TimeoutException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var request = new StringBuilder();
            var one = new byte[1];
            while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, _stopping.Token) == 0)
                {
                    return;
                }

                request.Append((char)one[0]);
            }

            var key = request.ToString().Split("\r\n").First(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))[18..].Trim();
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), _stopping.Token);
            using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            var buffer = new byte[1 << 20];
            var first = true;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), _stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                Interlocked.Increment(ref MessagesReceived);
                if (first)
                {
                    first = false;
                    await socket.SendAsync("{\"setupComplete\":{}}"u8.ToArray(), WebSocketMessageType.Binary, true, _stopping.Token);
                }
            }
        }
    }
}
