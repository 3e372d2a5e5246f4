using System.Net.WebSockets;
using System.Text;

namespace Chorus.Emulators.Discord;

internal sealed class EmulatedGatewayConnection
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public EmulatedGatewayConnection(WebSocket socket)
    {
        Socket = socket;
    }

    public WebSocket Socket { get; }

    public EmulatedSession? Session { get; set; }

    /// <summary>Arrival times of the client's messages within the last minute (Discord allows 120).</summary>
    public Queue<TimeSpan> Received { get; } = new();

    public async Task SendAsync(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                await Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away; a resumed session will get the event from the log.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task CloseAsync(int code, string reason)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
