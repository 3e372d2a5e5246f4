using System.Buffers;
using System.Net.WebSockets;
using Chorus.Discord.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Gateway;

public sealed partial class GatewayClient
{
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failedAttempts = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var session = _session;
            (var action, var closeCode, var reason, var delay, var reachedReady) =
                await RunConnectionAsync(session, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            GatewayLog.ConnectionEnded(_logger, ShardId, reason, action);
            if (action == GatewayCloseAction.Fatal)
            {
                var fatal = new GatewayFatalException(ShardId, closeCode ?? 0);
                GatewayLog.Fatal(_logger, ShardId, fatal.CloseCode, fatal.Reason);
                Fatal = fatal;
                _firstReady.TrySetException(fatal);
                Raise(FatalError, fatal, "FatalError");
                throw fatal;
            }

            if (action == GatewayCloseAction.Identify)
            {
                _session = null;
                Interlocked.Exchange(ref _sequence, -1);
            }

            _metrics.GatewayReconnects.Add(1, action != GatewayCloseAction.Identify ? MetricTag.Resume : MetricTag.Identify);
            failedAttempts = reachedReady ? 0 : failedAttempts + 1;
            var wait = delay ?? BackoffFor(failedAttempts);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private TimeSpan BackoffFor(int failedAttempts)
    {
        if (failedAttempts == 0)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.ReconnectBaseDelay.Ticks * factor, _options.MaxReconnectDelay.Ticks));
        return delay + TimeSpan.FromTicks((long)(delay.Ticks * 0.2 * Random.Shared.NextDouble()));
    }

    /// <summary>A lost connection resumes when there is a session to resume, else identifies again.</summary>
    private GatewayCloseAction LossAction() => _session is null ? GatewayCloseAction.Identify : GatewayCloseAction.Resume;

    private static Uri BuildUri(string baseUrl)
    {
        var trimmed = baseUrl.TrimEnd('/');
        return new Uri(trimmed + "/?v=10&encoding=json");
    }

    private async Task<(GatewayCloseAction Action, int? CloseCode, string Reason, TimeSpan? Delay, bool ReachedReady)> RunConnectionAsync(
        GatewaySession? session, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        var connection = new GatewayConnection(
            socket,
            new GatewaySendLimiter(_time, _options.SendLimit, _options.SendWindow),
            CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        var reachedReady = false;
        try
        {
            var url = session?.ResumeUrl ?? _options.GatewayUrl;
            GatewayLog.Connecting(_logger, ShardId, session is null ? "identify" : "resume");
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(_options.ConnectTimeout);
                await socket.ConnectAsync(BuildUri(url), connectTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                GatewayLog.ConnectFailed(_logger, ShardId, ex.GetType().Name);
                return (LossAction(), null, "connect failed", null, false);
            }

            _connection = connection;
            _ = WatchForHelloAsync(connection, connection.Cancellation.Token);
            try
            {
                await ReceiveLoopAsync(connection, session, connection.Cancellation.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                connection.Request(LossAction(), "connection lost");
            }

            reachedReady = connection.IsReady;
            if (connection.RequestedAction is GatewayCloseAction requested)
            {
                return (requested, null, connection.RequestedReason ?? "requested", connection.RequestedDelay, reachedReady);
            }

            int? code = socket.CloseStatus is WebSocketCloseStatus status ? (int)status : null;
            var action = GatewayCloseCodes.Classify(code);
            if (action == GatewayCloseAction.Resume && _session is null)
            {
                action = GatewayCloseAction.Identify;
            }

            return (action, code, GatewayCloseCodes.Describe(code), null, reachedReady);
        }
        finally
        {
            _connection = null;
            connection.IsReady = false;
            try
            {
                await connection.Cancellation.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }

            if (connection.HeartbeatTask is { } heartbeat)
            {
                await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            connection.Dispose();
        }
    }

    private async Task ReceiveLoopAsync(GatewayConnection connection, GatewaySession? session, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        var discarding = false;
        try
        {
            while (true)
            {
                if (length == buffer.Length && !ReceiveBuffer.TryGrow(ref buffer, length, _options.MaxMessageBytes))
                {
                    discarding = true;
                    length = 0;
                }

                var result = await connection.Socket
                    .ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var messageLength = length;
                length = 0;
                if (discarding)
                {
                    discarding = false;
                    CountMalformed("message too large");
                    continue;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    // We never ask for compression, so a binary frame is not something we can read.
                    CountMalformed("unexpected binary frame");
                    continue;
                }

                var followUp = ProcessFrame(connection, buffer.AsSpan(0, messageLength));
                if (followUp != FrameFollowUp.None)
                {
                    var keepReading = await RunFollowUpAsync(connection, session, followUp, cancellationToken).ConfigureAwait(false);
                    if (!keepReading)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A server that accepts the socket but never says hello must not park the shard forever.</summary>
    private async Task WatchForHelloAsync(GatewayConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_options.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (connection.HeartbeatTask is null && connection.Request(LossAction(), "no hello within the connect timeout"))
        {
            await CloseAsync(connection, (WebSocketCloseStatus)GatewayCloseCodes.ClosingToResume).ConfigureAwait(false);
        }
    }

    private void CountMalformed(string reason)
    {
        _metrics.GatewayMessagesDropped.Add(1, MetricTag.Malformed);
        GatewayLog.Malformed(_logger, ShardId, reason);
    }

    private async Task<bool> RunFollowUpAsync(GatewayConnection connection, GatewaySession? session, FrameFollowUp followUp, CancellationToken cancellationToken)
    {
        switch (followUp)
        {
            case FrameFollowUp.Hello:
                connection.HeartbeatTask = HeartbeatLoopAsync(connection, connection.HeartbeatInterval, cancellationToken);
                if (session is not null && Sequence >= 0)
                {
                    _metrics.GatewayHandshakes.Add(1, MetricTag.Resume);
                    var resume = new GatewayPayload<ResumeData>
                    {
                        Op = (int)GatewayOpcode.Resume,
                        D = new ResumeData { Token = _options.Token, SessionId = session.SessionId, Seq = Sequence },
                    };
                    await SendAsync(connection, resume, DiscordJsonContext.Default.GatewayPayloadResumeData, priority: true, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _session = null;
                    await IdentifyAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                return true;
            case FrameFollowUp.HeartbeatNow:
                await SendHeartbeatAsync(connection, cancellationToken).ConfigureAwait(false);
                return true;
            case FrameFollowUp.Close:
                await CloseAsync(connection, connection.RequestedAction == GatewayCloseAction.Identify
                    ? WebSocketCloseStatus.NormalClosure
                    : (WebSocketCloseStatus)GatewayCloseCodes.ClosingToResume).ConfigureAwait(false);
                return false;
            default:
                return true;
        }
    }

    private async Task IdentifyAsync(GatewayConnection connection, CancellationToken cancellationToken)
    {
        await _identifyGate.WaitAsync(ShardId, cancellationToken).ConfigureAwait(false);
        GatewayLog.Identifying(_logger, ShardId);
        _metrics.GatewayHandshakes.Add(1, MetricTag.Identify);
        var identify = new GatewayPayload<IdentifyData>
        {
            Op = (int)GatewayOpcode.Identify,
            D = new IdentifyData
            {
                Token = _options.Token,
                Properties = new IdentifyProperties(OperatingSystem.IsWindows() ? "windows" : "linux", "chorus", "chorus"),
                Intents = (int)_options.Intents,
                Shard = [ShardId, ShardCount],
                LargeThreshold = _options.LargeThreshold,
            },
        };
        await SendAsync(connection, identify, DiscordJsonContext.Default.GatewayPayloadIdentifyData, priority: true, cancellationToken).ConfigureAwait(false);
    }

    private bool LogEnabled(LogLevel level) => _logger.IsEnabled(level);
}
