using System.Net.WebSockets;
using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Gateway;

public sealed partial class GatewayClient
{
    private async Task HeartbeatLoopAsync(GatewayConnection connection, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval * _options.HeartbeatJitter(), _time, cancellationToken).ConfigureAwait(false);
            while (!cancellationToken.IsCancellationRequested)
            {
                if (connection.AwaitingAck)
                {
                    _metrics.GatewayZombies.Add(1);
                    GatewayLog.Zombie(_logger, ShardId);
                    connection.Request(GatewayCloseAction.Resume, "zombie connection: heartbeat not acknowledged");
                    await CloseAsync(connection, (WebSocketCloseStatus)GatewayCloseCodes.ClosingToResume).ConfigureAwait(false);
                    return;
                }

                await SendHeartbeatAsync(connection, cancellationToken).ConfigureAwait(false);
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection is ending; the receive loop owns the outcome.
        }
    }

    private async Task SendHeartbeatAsync(GatewayConnection connection, CancellationToken cancellationToken)
    {
        var sequence = Sequence;
        var heartbeat = new GatewayPayload<long?> { Op = (int)GatewayOpcode.Heartbeat, D = sequence >= 0 ? sequence : null };
        connection.AwaitingAck = true;
        Interlocked.Exchange(ref connection.HeartbeatSentAt, _time.GetTimestamp());
        await SendAsync(connection, heartbeat, DiscordJsonContext.Default.GatewayPayloadNullableInt64, priority: true, cancellationToken).ConfigureAwait(false);
        _metrics.GatewayHeartbeats.Add(1, MetricTag.Transmit);
    }

    private void OnHeartbeatAck(GatewayConnection connection)
    {
        connection.AwaitingAck = false;
        _metrics.GatewayHeartbeats.Add(1, MetricTag.Receive);
        var sentAt = Interlocked.Read(ref connection.HeartbeatSentAt);
        if (sentAt != 0)
        {
            Interlocked.Exchange(ref _latencyTicks, _time.GetElapsedTime(sentAt).Ticks);
        }
    }
}
