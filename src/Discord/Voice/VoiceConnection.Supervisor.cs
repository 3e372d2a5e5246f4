using System.Net.Sockets;
using System.Net.WebSockets;
using Chorus.Discord.Diagnostics;
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
        var everReady = false;
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
                // A server gone for resuming, or a fresh endpoint that does not answer: rejoin with new credentials,
                // bounded. A first connect that fails is the caller's to report (StartAsync throws).
                if (everReady)
                {
                    resume = false;
                    var (rejoined, attempts, refreshFailed) = await RejoinAsync(rejoins, _options.MaxRejoinAttempts, stopToken).ConfigureAwait(false);
                    rejoins = attempts;
                    if (rejoined)
                    {
                        continue;
                    }

                    if (refreshFailed)
                    {
                        GiveUp(null, VoiceCloseAction.GiveUp, "fresh voice credentials unavailable");
                        return;
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
                everReady = true;
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
                    resume = false;
                    var limit = action == VoiceCloseAction.RejoinOnce ? 1 : _options.MaxRejoinAttempts;
                    var (ok, made, refreshFailed) = await RejoinAsync(rejoins, limit, stopToken).ConfigureAwait(false);
                    rejoins = made;
                    if (!ok)
                    {
                        GiveUp(end.CloseCode, action, refreshFailed ? "fresh voice credentials unavailable" : "rejoin kept failing");
                        return;
                    }
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

    /// <summary>
    /// Prepares the next identify: fresh credentials when a refresher is set. A refresh that fails or times out uses
    /// up that attempt (after a backoff, the next one asks again). Returns whether to connect, the attempts made, and
    /// whether the last one failed for want of credentials (rather than being refused by the server).
    /// </summary>
    private async Task<(bool Rejoin, int Attempts, bool RefreshFailed)> RejoinAsync(int attempts, int limit, CancellationToken stopToken)
    {
        var refreshFailed = false;
        while (++attempts <= limit)
        {
            if (await BeginRejoinAsync(stopToken).ConfigureAwait(false))
            {
                return (true, attempts, false);
            }

            refreshFailed = true;

            if (attempts < limit)
            {
                var backoff = _options.ReconnectBaseDelay * Math.Pow(2, attempts - 1);
                await Task.Delay(backoff < MaxRejoinBackoff ? backoff : MaxRejoinBackoff, _clock.Time, stopToken).ConfigureAwait(false);
            }
        }

        return (false, attempts, refreshFailed);
    }

    private static readonly TimeSpan MaxRejoinBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Resets the session state for a fresh identify; false when the credential refresh failed.</summary>
    private async Task<bool> BeginRejoinAsync(CancellationToken stopToken)
    {
        _metrics.VoiceReconnects.Add(1, MetricTag.Rejoin);
        SetState(VoiceConnectionState.Rejoining);
        _hasSession = false;
        Volatile.Write(ref _lastSeq, -1);
        Sender.SetTransport(null, 0, null);
        Receiver.SetTransport(null, 0);
        if (MovePending())
        {
            // A move (a /join elsewhere, a new VOICE_SERVER_UPDATE) brought fresh credentials already.
            ApplyPendingMove();
            return true;
        }

        if (_options.RefreshCredentials is not { } refresh)
        {
            return true;
        }

        // The token tells a well-behaved refresher to stop waiting; WaitAsync bounds one that ignores it.
        using var timeout = new CancellationTokenSource(_options.CredentialRefreshTimeout, _clock.Time);
        using var refreshToken = CancellationTokenSource.CreateLinkedTokenSource(stopToken, timeout.Token);
        try
        {
            _credentials = await refresh(refreshToken.Token).AsTask().WaitAsync(_options.CredentialRefreshTimeout, _clock.Time, stopToken).ConfigureAwait(false);
            _metrics.CredentialRefreshes.Add(1, MetricTag.Success);
            return true;
        }
#pragma warning disable CA1031 // Whatever the refresher threw, this attempt failed; the next one asks again.
        catch (Exception ex) when (ex is not OperationCanceledException || !stopToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            _metrics.CredentialRefreshes.Add(1, MetricTag.Failure);
            LogRefreshFailed(_logger, _credentials.GuildId, ex.GetType().Name);
            return false;
        }
        finally
        {
            // A refresher still waiting (WaitAsync gave up first) is told to stop before its token is disposed.
            await refreshToken.CancelAsync().ConfigureAwait(false);
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
