using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;
using Chorus.Gemini.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Chorus.Gemini;

/// <summary>
/// One logical conversation kept alive across Live transports: reconnects through a Polly pipeline, resumes with
/// the latest resumable handle, switches to a new transport ahead of <c>goAway</c>, and buffers user audio while
/// no transport is open. Events from whichever transport is current reach the listener.
/// </summary>
public sealed partial class GeminiConversation : IAsyncDisposable
{
    private const int BytesPerSecond16k = 16_000 * 2;

    private readonly GeminiMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _resumePipeline;
    private readonly ResiliencePipeline _attemptTimeout;
    private readonly GeminiServiceBreaker _breaker;
    private readonly GeminiConversationMemory _memory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly AudioBacklog _backlog;
    private readonly AudioBacklog _replay;
    private readonly List<string> _pendingTextTurns = [];
    private readonly Channel<SupervisorSignal> _signals = Channel.CreateUnbounded<SupervisorSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<GeminiLiveException?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GeminiLiveOptions _options;
    private volatile GeminiConversationTransport? _current;
    private volatile string? _handle;
    private volatile GeminiConversationState _state = GeminiConversationState.Created;
    private bool _pendingStreamEnd;
    private bool _streamEndedAfterAudio;
    private volatile bool _resumptionPointHeld;
    private long _activatedAt;
    private long _acknowledgedAt;
    private long _handleAt;
    private int _quickLosses;
    private long _failingSince;
    private string _model;
    private Task _supervisor = Task.CompletedTask;

    /// <summary>A conversation that is not connected yet.</summary>
    /// <param name="options">How to open sessions; the key and persona are never logged.</param>
    /// <param name="listener">Receives audio and events on the conversation's receive loop; it must not block.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="timeProvider">The clock for backoff and timeouts; the system clock when null.</param>
    public GeminiConversation(GeminiLiveOptions options, IGeminiLiveListener listener, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listener);
        _options = options;
        _metrics = options.Metrics ?? GeminiMetrics.Default;
        _model = options.Model;
        Listener = listener;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _backlog = new AudioBacklog((int)(options.DisconnectedAudioLimit.TotalSeconds * BytesPerSecond16k));
        _replay = new AudioBacklog(Math.Max((int)(options.UnacknowledgedAudioLimit.TotalSeconds * BytesPerSecond16k), (int)(options.ResumeReplay.TotalSeconds * BytesPerSecond16k * 2)));
        _pipeline = GeminiConnectPipeline.Build(options, _time, OnRetry, WithinBudget);

        // A resume that keeps failing is given a smaller budget: after it, a fresh session beats more silence.
        _resumePipeline = GeminiConnectPipeline.Build(options, _time, OnRetry, WithinBudget, options.Reconnect.ResumeAttempts);
        _attemptTimeout = GeminiConnectPipeline.AttemptTimeout(options, _time);
        _breaker = options.ServiceBreaker ?? GeminiServiceBreaker.For(options.BaseUri, options.Reconnect, _time);
        _memory = new GeminiConversationMemory(options.ContextSeedTurns, options.ContextSeedCharacters);

        void OnRetry(int attempt, TimeSpan delay)
        {
            _metrics.ConnectRetries.Add(1);
            GeminiLog.Retrying(_logger, attempt, delay);
        }
    }

    /// <summary>Where the conversation is in its lifecycle.</summary>
    public GeminiConversationState State => _state;

    /// <summary>The newest handle from a resumable update; persist it to resume after a process restart.</summary>
    public string? ResumptionHandle => _handle;

    /// <summary>The model in use (it changes only when a fallback model was needed).</summary>
    public string Model => Volatile.Read(ref _model);

    /// <summary>The current transport, if any.</summary>
    internal GeminiLiveSession? CurrentSession => _current?.Session;

    /// <summary>Completes when the conversation ends: null after dispose, the error when it failed.</summary>
    public Task<GeminiLiveException?> Completion => _completion.Task;

    internal GeminiLiveException? Failure { get; private set; }

    internal IGeminiLiveListener Listener { get; }

    internal TimeProvider Time => _time;

    /// <summary>Opens the first transport (resuming <paramref name="resumeHandle"/> if given) and starts supervising.</summary>
    /// <exception cref="GeminiLiveException">Fatal refusal (bad key, bad model) or retries exhausted; nothing keeps running.</exception>
    public Task StartAsync(string? resumeHandle = null, CancellationToken cancellationToken = default) =>
        StartAsync(new GeminiHandoff(resumeHandle, []), cancellationToken);

    /// <summary>
    /// Carries on a conversation another process handed off (<see cref="HandOffAsync"/>): resumes its handle, then sends
    /// the audio its session never heard before any new audio, so a turn cut by the handover is answered here.
    /// </summary>
    /// <exception cref="GeminiLiveException">Fatal refusal (bad key, bad model) or retries exhausted; nothing keeps running.</exception>
    public async Task StartAsync(GeminiHandoff handoff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        if (_state != GeminiConversationState.Created)
        {
            throw new InvalidOperationException("The conversation was already started.");
        }

        _state = GeminiConversationState.Connecting;
        _handle = handoff.ResumptionHandle;
        QueueHandedAudio(handoff.UnheardAudio);
        _pendingStreamEnd = handoff.StreamEnded && handoff.UnheardAudio.Length > 0;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            var transport = await OpenAsync(resume: handoff.ResumptionHandle is not null, linked.Token).ConfigureAwait(false);
            await ActivateAsync(transport, cause: null).ConfigureAwait(false);
        }
        catch (GeminiLiveException e)
        {
            Fail(e, raiseEvent: false);
            throw;
        }

        _supervisor = Task.Run(SuperviseAsync, CancellationToken.None);
    }

    /// <summary>
    /// Sends 16 kHz PCM16 mono (20-40 ms chunks). While no transport is open the chunk is buffered (bounded) and
    /// sent after the reconnect.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken = default) =>
        await TrySendAudioAsync(pcm16k, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// <see cref="SendAudioAsync"/>, saying where the chunk went: true when the socket took it (the send returned), false
    /// when it was buffered for after the reconnect, so that latency figures leave the buffered audio out.
    /// </summary>
    public ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken = default)
    {
        if (Failure is not null || _state == GeminiConversationState.Disposed)
        {
            return ValueTask.FromException<bool>(EndedException());
        }

        // Not an async method on the common path (the gate free, the transport open, the socket taking the bytes at
        // once): a Debug build allocates every async method's state machine on each call, 50 times a second per
        // conversation, which would hide a real allocation from the CI guard.
        if (!_gate.Wait(0))
        {
            return TrySendAudioQueuedAsync(pcm16k, cancellationToken);
        }

        var releaseGate = true;
        try
        {
            if (_current is { } transport && transport.Session.IsOpen)
            {
                ValueTask send;
                try
                {
                    send = transport.Session.SendAudioAsync(pcm16k, cancellationToken);
                }
                catch (GeminiLiveException)
                {
                    // The transport died under us; the supervisor sees its close. Keep the chunk.
                    Buffer(pcm16k.Span);
                    return new ValueTask<bool>(false);
                }

                if (!send.IsCompletedSuccessfully)
                {
                    releaseGate = false;
                    return FinishAudioSendAsync(send, pcm16k);
                }

                Sent(pcm16k.Span);
                return new ValueTask<bool>(true);
            }

            Buffer(pcm16k.Span);
            return new ValueTask<bool>(false);
        }
        finally
        {
            if (releaseGate)
            {
                _gate.Release();
            }
        }
    }

    /// <summary>The gate was taken (a reconnect, a flush, another send): waits for it, then sends or buffers.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> TrySendAudioQueuedAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _streamEndedAfterAudio = false;
            if (_current is { } transport && transport.Session.IsOpen)
            {
                try
                {
                    await transport.Session.SendAudioAsync(pcm16k, cancellationToken).ConfigureAwait(false);
                    Sent(pcm16k.Span);
                    return true;
                }
                catch (GeminiLiveException)
                {
                    // The transport died under us; the supervisor sees its close. Keep the chunk.
                }
            }

            Buffer(pcm16k.Span);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The socket left the send pending: waits for it under the gate, which it then releases.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FinishAudioSendAsync(ValueTask send, ReadOnlyMemory<byte> pcm16k)
    {
        try
        {
            await send.ConfigureAwait(false);
            Sent(pcm16k.Span);
            return true;
        }
        catch (GeminiLiveException)
        {
            // The transport died under us; the supervisor sees its close. Keep the chunk.
            Buffer(pcm16k.Span);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Sent(ReadOnlySpan<byte> pcm16k)
    {
        Unacknowledged(pcm16k);
    }

    /// <summary>Tells the server the users went quiet (flushes its buffered audio).</summary>
    public async ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _streamEndedAfterAudio = true;
            if (_current is { } transport && transport.Session.IsOpen)
            {
                try
                {
                    await transport.Session.SendAudioStreamEndAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (GeminiLiveException)
                {
                    // Sent after the reconnect instead.
                }
            }

            _pendingStreamEnd = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A typed user turn; queued while reconnecting.</summary>
    public async Task SendTextTurnAsync(string text, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        ArgumentNullException.ThrowIfNull(text);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } transport && transport.Session.IsOpen)
            {
                try
                {
                    await transport.Session.SendTextTurnAsync(text, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (GeminiLiveException)
                {
                    // Sent after the reconnect instead.
                }
            }

            _pendingTextTurns.Add(text);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// How a persona change applies on the current model: in place with <c>contextUpdate</c>, or by moving to a new
    /// session (seeded with the recent conversation) at the next turn boundary.
    /// </summary>
    public GeminiPersonaChange PersonaChange =>
        GeminiModelCatalog.For(Model).ContextUpdate ? GeminiPersonaChange.InPlace : GeminiPersonaChange.NewSession;

    /// <summary>
    /// Changes the persona: in place with <c>contextUpdate</c> when the model supports it, otherwise by switching
    /// to a fresh session with the new system instruction once the model's current turn has ended; that session
    /// is seeded with the recent conversation (see <see cref="GeminiLiveOptions.ContextSeedTurns"/>), so the bot
    /// neither forgets it nor greets again.
    /// </summary>
    /// <returns>How the change was applied, for the command layer to say so.</returns>
    public async Task<GeminiPersonaChange> UpdatePersonaAsync(string systemInstruction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemInstruction);
        ThrowIfEnded();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _options = _options with { SystemInstruction = systemInstruction };
            if (_state == GeminiConversationState.Created)
            {
                // Not started: the first setup carries it.
                return PersonaChange;
            }

            if (GeminiModelCatalog.For(Model).ContextUpdate && _current is { } transport && transport.Session.IsOpen)
            {
                await transport.Session.SendContextUpdateAsync(systemInstruction, cancellationToken).ConfigureAwait(false);
                return GeminiPersonaChange.InPlace;
            }
        }
        finally
        {
            _gate.Release();
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_signals.Writer.TryWrite(new SupervisorSignal.FreshSession(done)))
        {
            throw Failure ?? new GeminiLiveException(GeminiFailureKind.Normal, "The Gemini conversation has ended.");
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return GeminiPersonaChange.NewSession;
    }

    /// <summary>
    /// Ends the conversation here for another process to carry on: closes the socket first (the service refuses a resume
    /// while an earlier socket of the session is open, and no handle can arrive after this), then returns the newest
    /// resumable handle with the audio its session never heard. Disposes the conversation; an ended one hands off nothing.
    /// </summary>
    public async Task<GeminiHandoff> HandOffAsync()
    {
        if (!await ShutDownAsync().ConfigureAwait(false))
        {
            return GeminiHandoff.None;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return new GeminiHandoff(_handle, UnheardAudio(), _streamEndedAfterAudio);
        }
        finally
        {
            ReleaseBuffers();
        }
    }

    /// <summary>Closes the current session and stops the supervisor; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (await ShutDownAsync().ConfigureAwait(false))
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            ReleaseBuffers();
        }
    }

    /// <summary>Stops the supervisor and closes the socket; false when the conversation was disposed already.</summary>
    private async Task<bool> ShutDownAsync()
    {
        if (_state == GeminiConversationState.Disposed)
        {
            return false;
        }

        _state = GeminiConversationState.Disposed;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _signals.Writer.TryComplete();
        try
        {
            await _supervisor.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected way out.
        }

        var transport = _current;
        _current = null;
        if (transport is not null)
        {
            transport.Retired = true;
            await transport.Session.CloseAsync().ConfigureAwait(false);
            await transport.Session.DisposeAsync().ConfigureAwait(false);
        }

        _breaker.Leave(this);
        return true;
    }

    /// <summary>Returns the buffers' arrays and completes the conversation. Caller holds the gate, which this releases.</summary>
    private void ReleaseBuffers()
    {
        _backlog.Dispose();
        _replay.Dispose();
        _gate.Release();
        _completion.TrySetResult(Failure);
    }

    internal bool ShouldForward(GeminiConversationTransport transport)
    {
        if (transport.Retired)
        {
            return false;
        }

        var current = _current;
        return current is null || ReferenceEquals(current, transport);
    }

    /// <summary>
    /// Keeps the newest handle as it is from now on (a handoff is coming): a turn answered here after this would be in a
    /// newer handle while its answer is no longer played (the call is being handed over), so it is handed off instead, as
    /// audio the held handle's session has not heard, and answered by the receiver.
    /// </summary>
    public void HoldResumptionPoint() => _resumptionPointHeld = true;

    internal void OnResumptionUpdate(GeminiResumptionUpdate update)
    {
        if (update.IsUsable && !_resumptionPointHeld)
        {
            _handle = update.NewHandle;
            Volatile.Write(ref _handleAt, _time.GetTimestamp());
        }
    }

    internal void OnTranscription(GeminiTranscription transcription) => _memory.Heard(transcription);

    /// <summary>
    /// The model finished (or was interrupted in) a turn: it is remembered for a seed, and when it was answered
    /// the connection is proven healthy, which ends any give-up budget in progress.
    /// </summary>
    internal void OnTurnEnded(bool served)
    {
        _memory.EndTurn();
        if (served)
        {
            Volatile.Write(ref _failingSince, 0);
            _breaker.Succeeded(this);
        }
    }

    /// <summary>Completed turns the conversation remembers for seeding a fresh session.</summary>
    internal int RememberedTurns => _memory.Turns;

    /// <summary>The server answered or checkpointed: audio sent well before now has been read.</summary>
    internal void OnAcknowledged() => Volatile.Write(ref _acknowledgedAt, _time.GetTimestamp());

    internal void OnGoAway(GeminiConversationTransport transport, TimeSpan timeLeft) =>
        _signals.Writer.TryWrite(new SupervisorSignal.GoAway(transport, timeLeft));

    /// <summary>
    /// Audio the server never acknowledged goes to the next transport: a closed socket's session state (and the
    /// handle we resume from) does not include it, so without this the words would be lost. A chunk is replayed
    /// once at most, so a run of cuts cannot repeat the same audio over and over. Caller holds the gate.
    /// </summary>
    private void RequeueUnconfirmedAudio()
    {
        var before = _backlog.Bytes;
        _backlog.PrependFrom(_replay, AcknowledgedBefore(), markReplayed: true);
        var replayed = _backlog.Bytes - before;
        if (replayed > 0)
        {
            _metrics.AudioReplayed.Add(replayed);
        }
    }

    /// <summary>
    /// Keeps a sent chunk until both an acknowledgment and a resumable handle cover it: a reconnect here replays what the
    /// socket may not have read, a handoff what the handle's session never heard. Caller holds the gate.
    /// </summary>
    private void Unacknowledged(ReadOnlySpan<byte> pcm16k)
    {
        _replay.DropBefore(Math.Min(AcknowledgedBefore(), HandleBefore()));
        _replay.Add(pcm16k, _time.GetTimestamp());
    }

    /// <summary>Chunks sent before this were acknowledged: sent at least the in-flight window before the last acknowledgment.</summary>
    private long AcknowledgedBefore() =>
        Volatile.Read(ref _acknowledgedAt) - (long)(_options.ResumeReplay.TotalSeconds * _time.TimestampFrequency);

    /// <summary>
    /// Chunks sent before this are in the newest handle's session: sent at least the in-flight window before the handle
    /// came. A <c>generationComplete</c> acknowledges the turn's audio, but the handle that holds the turn comes only after
    /// <c>turnComplete</c>; a session resumed from the older handle has not heard it.
    /// </summary>
    private long HandleBefore() =>
        Volatile.Read(ref _handleAt) - (long)(_options.ResumeReplay.TotalSeconds * _time.TimestampFrequency);

    /// <summary>
    /// The audio the newest handle's session never heard, oldest first: what was sent after the handle came (with the
    /// in-flight margin), then what waits unsent; the newest <see cref="GeminiLiveOptions.UnacknowledgedAudioLimit"/>
    /// of it. Allocated once per handoff. Caller holds the gate.
    /// </summary>
    private byte[] UnheardAudio()
    {
        var since = HandleBefore();
        _replay.DropBefore(since);
        var limit = (int)(_options.UnacknowledgedAudioLimit.TotalSeconds * BytesPerSecond16k);
        var total = _replay.Bytes + _backlog.Bytes;
        var skip = Math.Max(0, total - limit);
        var audio = new byte[total - skip];
        var written = 0;
        foreach (var backlog in (ReadOnlySpan<AudioBacklog>)[_replay, _backlog])
        {
            while (backlog.TryPeek(out var chunk))
            {
                var from = Math.Min(skip, chunk.Length);
                skip -= from;
                chunk.Span[from..].CopyTo(audio.AsSpan(written));
                written += chunk.Length - from;
                backlog.DropHead();
            }
        }

        return audio;
    }

    /// <summary>
    /// Queues audio handed off by another process to go first on the first socket, in 20 ms chunks as the bridge sends
    /// them; stamped replayed, so a cut right after it does not send it yet again.
    /// </summary>
    private void QueueHandedAudio(ReadOnlySpan<byte> pcm16k)
    {
        const int ChunkBytes = BytesPerSecond16k / 50;
        if (pcm16k.IsEmpty)
        {
            return;
        }

        for (var offset = 0; offset < pcm16k.Length; offset += ChunkBytes)
        {
            var chunk = pcm16k[offset..Math.Min(offset + ChunkBytes, pcm16k.Length)];
            _backlog.Add(chunk, AudioBacklog.Replayed);
        }

        _metrics.AudioReplayed.Add(pcm16k.Length);
        GeminiLog.HandedAudioQueued(_logger, pcm16k.Length);
    }

    /// <summary>What is left of the give-up budget: all of it while nothing is failing.</summary>
    private TimeSpan BudgetLeft()
    {
        var since = Volatile.Read(ref _failingSince);
        return since == 0 ? _options.Reconnect.GiveUpAfter : _options.Reconnect.GiveUpAfter - _time.GetElapsedTime(since);
    }

    private bool WithinBudget() => BudgetLeft() > TimeSpan.Zero;

    /// <summary>Starts the give-up budget (at <paramref name="since"/>, or now) unless it is already running.</summary>
    private void Failing(long since = 0) => Interlocked.CompareExchange(ref _failingSince, since == 0 ? _time.GetTimestamp() : since, 0);

    private void Buffer(ReadOnlySpan<byte> pcm16k)
    {
        _metrics.AudioBuffered.Add(pcm16k.Length);
        var dropped = _backlog.Add(pcm16k);
        if (dropped > 0)
        {
            _metrics.AudioDropped.Add(dropped, GeminiMetrics.BufferFull);
            GeminiLog.BacklogOverflow(_logger, dropped);
        }
    }

    private void ThrowIfEnded()
    {
        if (Failure is not null || _state == GeminiConversationState.Disposed)
        {
            throw EndedException();
        }
    }

    private Exception EndedException() => Failure is { } failure
        ? new GeminiLiveException(failure.Kind, $"The Gemini conversation has failed: {failure.Message}", failure.CloseCode, failure.CloseReason, failure)
        : new ObjectDisposedException(GetType().FullName);
}
