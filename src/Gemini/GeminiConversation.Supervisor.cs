using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Chorus.Gemini;

public sealed partial class GeminiConversation
{
    /// <summary>How long a persona change on a model without <c>contextUpdate</c> waits for the model's turn to end.</summary>
    private static readonly TimeSpan PersonaSwitchWait = TimeSpan.FromSeconds(15);

    private async Task SuperviseAsync()
    {
        try
        {
            await foreach (var signal in _signals.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    switch (signal)
                    {
                        case SupervisorSignal.Closed closed when ReferenceEquals(closed.Transport, _current) && !closed.Transport.Retired:
                            await HandleLostAsync(closed.Transport, closed.Close).ConfigureAwait(false);
                            break;
                        case SupervisorSignal.GoAway goAway when ReferenceEquals(goAway.Transport, _current) && !goAway.Transport.Retired:
                            await SwitchOverAsync(goAway.Transport, goAway.TimeLeft).ConfigureAwait(false);
                            break;
                        case SupervisorSignal.FreshSession fresh:
                            await StartFreshSessionAsync(fresh.Done).ConfigureAwait(false);
                            break;
                    }
                }
                catch (GeminiLiveException e)
                {
                    Fail(e, raiseEvent: true);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Fail(new GeminiLiveException(GeminiFailureKind.Transient, "The Gemini conversation supervisor failed unexpectedly.", inner: e), raiseEvent: true);
                }

                if (Failure is not null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            _signals.Writer.TryComplete();
            while (_signals.Reader.TryRead(out var left))
            {
                if (left is SupervisorSignal.FreshSession fresh)
                {
                    fresh.Done.TrySetException(Failure ?? new GeminiLiveException(GeminiFailureKind.Normal, "The Gemini conversation was disposed."));
                }
            }
        }
    }

    private async Task HandleLostAsync(GeminiConversationTransport lost, GeminiCloseInfo close)
    {
        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            Retire(lost);
            _current = null;
            RequeueUnconfirmedAudio();
            _memory.DropOpenTurn();
        }
        finally
        {
            _gate.Release();
        }

        _ = lost.Session.DisposeAsync().AsTask();
        _state = GeminiConversationState.Reconnecting;
        _metrics.ConnectionsLost.Add(1);
        Listener.OnEvent(new GeminiConnectionLost(close));
        if (close.Kind == GeminiFailureKind.InvalidCredentials)
        {
            // A revoked key will not heal: fail now, without a backoff or a breaker vote against the service.
            throw new GeminiLiveException(close.Kind, $"Gemini Live closed the session: {close}.", close.Code, close.Reason);
        }

        // A connection that answered a turn (or lived long enough) was healthy, however short: a server that closes
        // after every answer must not add up to a give-up. One that dropped before serving anything spends the
        // give-up budget, counts against the service in the process-wide breaker and is followed by a backoff.
        if (lost.ServedTurn || _time.GetElapsedTime(_activatedAt) >= _options.Reconnect.StableConnection)
        {
            _quickLosses = 0;
            Volatile.Write(ref _failingSince, 0);
        }
        else
        {
            _quickLosses++;
            Failing();
            _breaker.Failed(this);
            if (!WithinBudget())
            {
                throw new GeminiLiveException(close.Kind == GeminiFailureKind.Normal ? GeminiFailureKind.Transient : close.Kind,
                    $"Gemini Live dropped {_quickLosses} connections in a row without serving a turn, for longer than {_options.Reconnect.GiveUpAfter.TotalSeconds:0} s (last: {close}).",
                    close.Code, close.Reason);
            }

            await Task.Delay(QuickLossBackoff(_quickLosses), _time, _stopping.Token).ConfigureAwait(false);
        }

        if (close.Kind == GeminiFailureKind.InvalidRequest)
        {
            // Context exhaustion or a refused state: the handle would only reproduce it.
            _handle = null;
        }

        var transport = await OpenAsync(resume: _handle is not null, _stopping.Token).ConfigureAwait(false);
        await ActivateAsync(transport, GeminiReconnectCause.ConnectionLost).ConfigureAwait(false);
    }

    /// <summary>
    /// Break-before-make: the service refuses (1011) a resume while an earlier socket of the session is open, so
    /// the old socket is closed first and user audio waits in the backlog until the new one has completed setup.
    /// </summary>
    private async Task SwitchOverAsync(GeminiConversationTransport old, TimeSpan timeLeft)
    {
        GeminiLog.GoAway(_logger, timeLeft);

        // Cutting over while the model speaks or a tool is pending would resume from a stale handle:
        // wait for a resumable point, but never past the time the server gives us.
        var margin = TimeSpan.FromTicks(Math.Min(timeLeft.Ticks / 4, TimeSpan.FromSeconds(2).Ticks));
        var waitedSince = _time.GetTimestamp();
        while (true)
        {
            var remaining = timeLeft - margin - _time.GetElapsedTime(waitedSince);
            var resumable = false;
            if (remaining > TimeSpan.Zero)
            {
                try
                {
                    await old.Resumable.WaitAsync(remaining, _time, _stopping.Token).ConfigureAwait(false);
                    resumable = true;
                }
                catch (TimeoutException)
                {
                    // Switch anyway with the newest handle we have.
                }
            }

            await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                if (!ReferenceEquals(_current, old) || old.Retired)
                {
                    // It closed meanwhile; the loss path has taken over.
                    return;
                }

                // The model may have begun an answer between the resumable point and here: let it finish first
                // (within the time the server gave), so the answer is neither cut nor given twice.
                if (resumable && !old.Resumable.IsCompleted)
                {
                    continue;
                }

                Retire(old);
                _current = null;
                _state = GeminiConversationState.Reconnecting;
                break;
            }
            finally
            {
                _gate.Release();
            }
        }

        var lastHeard = old.LastReceivedAt;
        await RetireAsync(old.Session).ConfigureAwait(false);

        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            // The server had not acknowledged what reached it since its last turn: that audio goes again.
            RequeueUnconfirmedAudio();
        }
        finally
        {
            _gate.Release();
        }

        var next = await OpenAsync(resume: _handle is not null, _stopping.Token).ConfigureAwait(false);
        _metrics.HandoverGap.Record(_time.GetElapsedTime(lastHeard == 0 ? _activatedAt : lastHeard).TotalSeconds, GeminiMetrics.GoAway);
        await ActivateAsync(next, GeminiReconnectCause.GoAway).ConfigureAwait(false);
    }

    /// <summary>
    /// A persona change on a model without <c>contextUpdate</c>: waits (bounded) for the model's turn to end so no
    /// answer is cut, then moves to a fresh session carrying the new persona and the recent conversation. The old
    /// session stays open until the new one is ready: a fresh session is not a resume, so the service has no
    /// reason to refuse it.
    /// </summary>
    private async Task StartFreshSessionAsync(TaskCompletionSource done)
    {
        try
        {
            if (_current is { } old)
            {
                try
                {
                    await old.Resumable.WaitAsync(PersonaSwitchWait, _time, _stopping.Token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // A turn that will not end is cut rather than leaving the old persona on indefinitely.
                }
            }

            _handle = null;
            var next = await OpenAsync(resume: false, _stopping.Token).ConfigureAwait(false);
            _metrics.FreshSessions.Add(1);
            await ActivateAsync(next, GeminiReconnectCause.PersonaChange).ConfigureAwait(false);
            done.TrySetResult();
        }
        catch (Exception e)
        {
            done.TrySetException(e);
            throw;
        }
    }

    /// <summary>Exponential in the quick losses in a row, capped, with jitter so conversations that drop together spread out.</summary>
    private TimeSpan QuickLossBackoff(int losses)
    {
        var policy = _options.Reconnect;
        var exponential = policy.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(losses - 1, 20));
        var capped = Math.Min(exponential, policy.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>Connects through the pipeline; handles refused resumes and model fallback.</summary>
    private async Task<GeminiConversationTransport> OpenAsync(bool resume, CancellationToken cancellationToken)
    {
        var freshAfterRefusal = false;
        while (true)
        {
            var model = Model;
            var resuming = resume && _handle is not null;
            try
            {
                // Every attempt reads the newest handle: one may arrive from a closing transport meanwhile.
                return await (resuming ? _resumePipeline : _pipeline).ExecuteAsync(
                    async token => await ConnectTransportAsync(model, resuming ? _handle : null, token).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (GeminiLiveException e) when (resuming && !freshAfterRefusal
                && (e.Kind == GeminiFailureKind.ResumeRefused || (GeminiCloseClassifier.IsRetryable(e.Kind) && e.Kind != GeminiFailureKind.QuotaExhausted)))
            {
                // Refused outright (1007), or failing (1011) past the resume budget: the handle is the suspect.
                GeminiLog.ResumeRefused(_logger);
                _metrics.ResumesRefused.Add(1);
                _metrics.FreshSessions.Add(1);
                _handle = null;
                resume = false;
                freshAfterRefusal = true;
            }
            catch (GeminiLiveException e) when (e.Kind == GeminiFailureKind.ModelUnavailable && NextFallback(model) is { } fallback)
            {
                GeminiLog.ModelFallback(_logger, model, fallback);
                _metrics.ModelFallbacks.Add(1);
                Volatile.Write(ref _model, fallback);

                // A handle belongs to the model that issued it.
                _handle = null;
                resume = false;
            }
            catch (BrokenCircuitException e)
            {
                throw new GeminiLiveException(GeminiFailureKind.QuotaExhausted,
                    $"Gemini Live quota or capacity exhausted; not retrying for {_options.Reconnect.QuotaBreakDuration}.", inner: e);
            }
            catch (TimeoutRejectedException e)
            {
                throw new GeminiLiveException(GeminiFailureKind.Transient,
                    $"Gemini Live connect and setup timed out ({_options.ConnectTimeout}) on every attempt.", inner: e);
            }
        }
    }

    private string? NextFallback(string model)
    {
        var fallbacks = _options.FallbackModels;
        var index = -1;
        for (var i = 0; i < fallbacks.Count; i++)
        {
            if (string.Equals(fallbacks[i], model, StringComparison.Ordinal))
            {
                index = i;
            }
        }

        return index + 1 < fallbacks.Count ? fallbacks[index + 1] : null;
    }

    private async Task<GeminiConversationTransport> ConnectTransportAsync(string model, string? handle, CancellationToken cancellationToken)
    {
        // While the service is failing for several conversations at once, wait for it (or be the one probe).
        await _breaker.EnterAsync(this, BudgetLeft(), cancellationToken).ConfigureAwait(false);
        _metrics.ConnectAttempts.Add(1);
        var attemptStarted = _time.GetTimestamp();
        var transport = new GeminiConversationTransport(this);
        var options = _options;
        if (handle is null && _memory.Turns > 0)
        {
            // The server's context is gone: the new session starts from what the conversation heard.
            options = options with { SystemInstruction = _memory.SeedInstruction(options.SystemInstruction) };
            transport.Seeded = true;
        }

        try
        {
            transport.Session = await _attemptTimeout.ExecuteAsync(
                async token => await GeminiLiveSession.ConnectAsync(options, transport, model, handle, _logger, token, _time).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && (e is TimeoutRejectedException || (e is GeminiLiveException failure && GeminiCloseClassifier.IsRetryable(failure.Kind))))
        {
            // The failure began with the attempt: a connect that hangs until its timeout spends the budget too.
            Failing(attemptStarted);
            _breaker.Failed(this);
            throw;
        }

        _breaker.Succeeded(this);
        if (transport.Seeded)
        {
            _metrics.SeededSessions.Add(1);
        }

        _ = WatchAsync(transport);
        return transport;
    }

    private async Task WatchAsync(GeminiConversationTransport transport)
    {
        var close = await transport.Session.Completion.ConfigureAwait(false);
        if (!transport.Session.ClosedByClient)
        {
            _signals.Writer.TryWrite(new SupervisorSignal.Closed(transport, close));
        }
    }

    /// <summary>Makes <paramref name="next"/> current: flushes what was buffered into it, then retires the old one.</summary>
    private async Task ActivateAsync(GeminiConversationTransport next, GeminiReconnectCause? cause)
    {
        GeminiConversationTransport? old;
        await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            old = _current;
            if (old is not null)
            {
                Retire(old);
                if (old.Session.Completion.IsCompleted && !old.Session.ClosedByClient)
                {
                    // It died while the next one was opening: what it may not have read goes again.
                    RequeueUnconfirmedAudio();
                    _memory.DropOpenTurn();
                }
            }

            _current = next;
            await FlushAsync(next).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (old is not null)
        {
            _ = RetireAsync(old.Session);
        }

        _activatedAt = _time.GetTimestamp();
        _state = GeminiConversationState.Connected;
        if (cause is { } reason)
        {
            if (reason == GeminiReconnectCause.GoAway)
            {
                _metrics.Handovers.Add(1, GeminiMetrics.GoAway);
            }
            else if (reason == GeminiReconnectCause.ConnectionLost)
            {
                _metrics.Reconnects.Add(1, GeminiMetrics.ConnectionLost);
            }

            GeminiLog.Switched(_logger, reason, next.Session.Resumed, next.Session.Model);
            Listener.OnEvent(new GeminiReconnected(reason, next.Session.Resumed, next.Session.Model) { ContextSeeded = next.Seeded });
        }
    }

    /// <summary>Sends buffered audio, then a pending stream end and text turns. Caller holds the gate.</summary>
    private async Task FlushAsync(GeminiConversationTransport transport)
    {
        try
        {
            while (_backlog.TryPeek(out var chunk, out var stamp))
            {
                await transport.Session.SendAudioAsync(chunk, _stopping.Token).ConfigureAwait(false);
                if (stamp != AudioBacklog.Replayed)
                {
                    Unacknowledged(chunk.Span);
                }

                _backlog.DropHead();
            }

            if (_pendingStreamEnd)
            {
                await transport.Session.SendAudioStreamEndAsync(_stopping.Token).ConfigureAwait(false);
                _pendingStreamEnd = false;
            }

            while (_pendingTextTurns.Count > 0)
            {
                await transport.Session.SendTextTurnAsync(_pendingTextTurns[0], _stopping.Token).ConfigureAwait(false);
                _pendingTextTurns.RemoveAt(0);
            }
        }
        catch (GeminiLiveException)
        {
            // The new transport died already; what is left stays buffered for the next one.
        }
    }

    private static void Retire(GeminiConversationTransport transport) => transport.Retired = true;

    private static async Task RetireAsync(GeminiLiveSession session)
    {
        await session.CloseAsync().ConfigureAwait(false);
        await session.DisposeAsync().ConfigureAwait(false);
    }

    private void Fail(GeminiLiveException error, bool raiseEvent)
    {
        _breaker.Leave(this);
        Failure = error;
        _state = GeminiConversationState.Failed;
        GeminiLog.Failed(_logger, error.Kind, error.Message);
        if (raiseEvent)
        {
            Listener.OnEvent(new GeminiConversationFailed(error));
        }

        _completion.TrySetResult(error);
    }
}
