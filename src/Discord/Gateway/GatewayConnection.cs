using System.Net.WebSockets;

namespace Chorus.Discord.Gateway;

/// <summary>State of one WebSocket connection; a reconnect gets a new instance.</summary>
internal sealed class GatewayConnection : IDisposable
{
    private readonly Lock _outcomeLock = new();

    public GatewayConnection(ClientWebSocket socket, GatewaySendLimiter limiter, CancellationTokenSource cancellation)
    {
        Socket = socket;
        Limiter = limiter;
        Cancellation = cancellation;
    }

    public ClientWebSocket Socket { get; }

    public GatewaySendLimiter Limiter { get; }

    public CancellationTokenSource Cancellation { get; }

    public SemaphoreSlim SendLock { get; } = new(1, 1);

    public volatile bool IsReady;

    public volatile bool AwaitingAck;

    public long HeartbeatSentAt;

    public Task? HeartbeatTask;

    public TimeSpan HeartbeatInterval;

    public GatewayCloseAction? RequestedAction { get; private set; }

    public string? RequestedReason { get; private set; }

    public TimeSpan? RequestedDelay { get; private set; }

    /// <summary>First request wins: a zombie close and a server op 7 racing must not overwrite each other.</summary>
    public bool Request(GatewayCloseAction action, string reason, TimeSpan? delay = null)
    {
        lock (_outcomeLock)
        {
            if (RequestedAction is not null)
            {
                return false;
            }

            RequestedAction = action;
            RequestedReason = reason;
            RequestedDelay = delay;
            return true;
        }
    }

    public void Dispose()
    {
        Cancellation.Dispose();
        SendLock.Dispose();
        Socket.Dispose();
    }
}
