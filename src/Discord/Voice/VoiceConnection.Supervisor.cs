using System.Net.Sockets;
using System.Net.WebSockets;
using Chorus.Discord.Voice.Gateway;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Chorus.Discord.Voice;

// Keeps the connection alive across closes: resume, rejoin, follow moves, or give up (brief §3.4-3.5).
public sealed partial class VoiceConnection
{
    private static ResiliencePipeline BuildConnectPipeline(VoiceConnectionOptions options) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<WebSocketException>()
                .Handle<SocketException>()
                .Handle<IOException>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutException>(),
            MaxRetryAttempts = Math.Max(0, options.MaxConnectAttempts - 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.ReconnectBaseDelay,
            MaxDelay = TimeSpan.FromSeconds(15),
        })
        .Build();

    private async Task SuperviseAsync(CancellationToken stopToken)
    {
        var resume = false;
        var rejoins = 0;
        while (!stopToken.IsCancellationRequested)
        {
            SessionEnd end;
            try
            {
                end = await _connectPipeline.ExecuteAsync(
                    static async (state, token) => await state.Self.RunSessionAsync(state.Resume, token).ConfigureAwait(false),
                    (Self: this, Resume: resume), stopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Whatever ended the last attempt, the connection reports it instead of crashing the host.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogConnectFailed(_logger, _credentials.GuildId, ex.GetType().Name);
                if (resume)
                {
                    // The server is gone for resuming; try a full rejoin before giving up.
                    resume = false;
                    if (++rejoins <= _options.MaxRejoinAttempts)
                    {
                        await BeginRejoinAsync(stopToken).ConfigureAwait(false);
                        continue;
                    }
                }
                GiveUp(null, VoiceCloseAction.GiveUp, $"connect failed: {ex.GetType().Name}");
                return;
            }

            if (end.Stopped || _stopping)
            {
                return;
            }

            if (end.ReachedReady)
            {
                rejoins = 0;
            }

            if (end.MoveRequested)
            {
                ApplyPendingMove();
                resume = false;
                continue;
            }

            var action = VoiceCloseCodes.Classify(end.CloseCode, _hasSession);
            LogClosed(_logger, _credentials.GuildId, end.CloseCode, action);
            switch (action)
            {
                case VoiceCloseAction.Resume:
                    resume = true;
                    SetState(VoiceConnectionState.Resuming);
                    break;
                case VoiceCloseAction.Rejoin:
                case VoiceCloseAction.RejoinOnce:
                    var limit = action == VoiceCloseAction.RejoinOnce ? 1 : _options.MaxRejoinAttempts;
                    if (++rejoins > limit)
                    {
                        GiveUp(end.CloseCode, action, "rejoin kept failing");
                        return;
                    }
                    resume = false;
                    await BeginRejoinAsync(stopToken).ConfigureAwait(false);
                    break;
                case VoiceCloseAction.Disconnected:
                    if (!await WaitForMoveAsync(stopToken).ConfigureAwait(false))
                    {
                        GiveUp(end.CloseCode, action, "disconnected by the server");
                        return;
                    }
                    resume = false;
                    break;
                default:
                    GiveUp(end.CloseCode, action, end.Description ?? "closed by the server");
                    return;
            }
        }
    }

    private async Task BeginRejoinAsync(CancellationToken stopToken)
    {
        Interlocked.Increment(ref Counters._rejoins);
        SetState(VoiceConnectionState.Rejoining);
        _hasSession = false;
        Volatile.Write(ref _lastSeq, -1);
        Sender.SetTransport(null, 0, null);
        Receiver.SetTransport(null, 0);
        if (_options.RefreshCredentials is { } refresh)
        {
            try
            {
                _credentials = await refresh(stopToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Without fresh credentials the old ones are still worth a try.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogRefreshFailed(_logger, _credentials.GuildId, ex.GetType().Name);
            }
        }
    }

    private void ApplyPendingMove()
    {
        lock (_gate)
        {
            if (_pendingMove is null)
            {
                return;
            }

            _credentials = _pendingMove;
            _pendingMove = null;
            _connectedUsers.Clear();
        }
        _hasSession = false;
        Volatile.Write(ref _lastSeq, -1);
        Sender.SetTransport(null, 0, null);
        Receiver.SetTransport(null, 0);
        SetState(VoiceConnectionState.Connecting);
    }

    private async Task<bool> WaitForMoveAsync(CancellationToken stopToken)
    {
        TaskCompletionSource<VoiceServerCredentials> waiter;
        lock (_gate)
        {
            if (_pendingMove is not null)
            {
                waiter = new TaskCompletionSource<VoiceServerCredentials>();
                waiter.SetResult(_pendingMove);
                _pendingMove = null;
            }
            else
            {
                waiter = new TaskCompletionSource<VoiceServerCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
                _moveWaiter = waiter;
            }
        }
        SetState(VoiceConnectionState.Rejoining);
        try
        {
            var moved = await waiter.Task.WaitAsync(_options.DisconnectGracePeriod, stopToken).ConfigureAwait(false);
            lock (_gate)
            {
                _pendingMove = moved;
            }

            ApplyPendingMove();
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _moveWaiter = null;
            }
        }
    }

    private void GiveUp(int? code, VoiceCloseAction action, string reason)
    {
        var closed = new VoiceConnectionClosed(code, action, reason);
        ClosedReason = closed;
        Sender.SetTransport(null, 0, null);
        SetState(VoiceConnectionState.Closed);
        lock (_gate)
        {
            if (!_ready.TrySetException(new VoiceConnectionClosedException(closed)))
            {
                _ready = NewReadySignal();
                _ready.SetException(new VoiceConnectionClosedException(closed));
            }
        }
        Raise(Closed, closed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voice connection for guild {GuildId} failed to connect: {Error}")]
    private static partial void LogConnectFailed(ILogger logger, ulong guildId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Voice gateway for guild {GuildId} closed with {Code}: {Action}")]
    private static partial void LogClosed(ILogger logger, ulong guildId, int? code, VoiceCloseAction action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fresh voice credentials for guild {GuildId} unavailable: {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, ulong guildId, string error);
}
