using System.Runtime.InteropServices;
using System.Threading.Channels;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Send;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Bridge;

/// <summary>
/// Joins one guild's voice connection to its Gemini conversation.
/// Uplink: each user's decoded 16 kHz frame -> <see cref="SpeakerMixer"/> -> <see cref="UplinkGate"/> ->
/// a bounded queue -> Gemini. Downlink: Gemini's 24 kHz audio -> the voice sender's playout buffer, which
/// the pacing clock drains as 20 ms Opus frames. <c>interrupted</c> (or a user starting to talk, with local
/// barge-in) clears playout at once.
/// Two-phase set-up because each side needs the other's callback: create the bridge, pass
/// <see cref="OnPcmFrame"/> to the voice connection and the bridge (as listener) to the conversation, then
/// <see cref="Attach"/> both.
/// </summary>
public sealed class StreamingBridge : IGeminiLiveListener, IUplinkSink, IAsyncDisposable
{
    private readonly Lock _optionsWrite = new();
    private StreamingBridgeOptions _options;
    private readonly IStreamingBridgeObserver _observer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly SpeakerMixer _mixer;
    private readonly UplinkGate _gate;
    private readonly Channel<UplinkItem> _uplink;
    private readonly UplinkBufferPool _uplinkBuffers = new();
    private readonly CancellationTokenSource _stopping = new();
    private VoiceConnection? _voice;
    private GeminiConversation? _gemini;
    private IGeminiUplink? _uplinkTarget;
    private Task _uplinkLoop = Task.CompletedTask;
    private long _downlinkPendingSince;
    private long _lastReplyFrameAt;
    private long _speechAnsweredAt;
    private long _messageReceivedAt;
    private long _turnPendingSince;
    private long _lastTurnSpeech;
    private long _bargeInSince;
    private long _bargeInEpoch;
    private long _bargeInLastAudio;
    private bool _bargeInLocal;
    private long _suppressModelAudioUntil;
    // A handover's pause check holds the model's audio so that no answer starts between the check and the silencing
    // (SilenceModel): held audio is played on release, or dropped if the call is handed over.
    private readonly Lock _modelAudioGate = new();
    private bool _modelAudioHeld;
    private List<(short[] Samples, long ReceivedAt)>? _heldModelAudio;
    private bool _clearedSinceLastAudio;
    private long _clearEpoch;
    private ITimer? _watchdog;
    private long _uplinkQueued;
    private long _uplinkTaken;
    private long _uplinkMovedAt;
    private long _uplinkStalledSince;
    private bool _uplinkGivenUp;
    private long _awaitingModelSince;
    private long _modelSilentSince;

    /// <param name="options">The bridge's settings.</param>
    /// <param name="observer">Hears of turns, failures and the connection's ups and downs.</param>
    /// <param name="logger">The bridge's log.</param>
    /// <param name="time">The clock of every figure and timer; the system clock when null.</param>
    /// <param name="metrics">Where turns, interruptions, latencies, speakers and drops are exported; the shared set when null.</param>
    public StreamingBridge(
        StreamingBridgeOptions options, IStreamingBridgeObserver observer, ILogger logger, TimeProvider? time = null, GatewayMetrics? metrics = null)
    {
        metrics ??= GatewayMetrics.Default;
        _metrics = metrics;
        Latency = new BridgeLatency(metrics);
        _options = options;
        _observer = observer;
        _logger = logger;
        time ??= TimeProvider.System;
        _time = time;
        _gate = new UplinkGate(this, time);
        _gate.SpeechOnset += OnSpeechOnset;
        _gate.Stalled += OnUplinkStalled;
        _mixer = new SpeakerMixer(_gate, time, metrics);
        _uplink = Channel.CreateBounded<UplinkItem>(new BoundedChannelOptions(options.UplinkQueueFrames)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            // The uplink loop continues on the thread that queued the frame (the voice receive thread, or the mixer's timer):
            // a frame goes to the model's socket without a hop through the thread pool whenever the loop is waiting.
            AllowSynchronousContinuations = true,
        });
    }

    /// <summary>What this conversation used (turns, audio, tokens): the session's record for the grain and <c>/usage</c>.</summary>
    public ConversationUsage Usage { get; } = new();

    /// <summary>Raised after the model finished a turn and <see cref="Usage"/> counted it (after the observer heard of it).</summary>
    public event Action? TurnCompleted;

    public BridgeLatency Latency { get; }

    public SpeakerMixer Mixer => _mixer;

    /// <summary>The bot is talking or has audio queued to play.</summary>
    public bool IsBotSpeaking => _voice is { } voice && (voice.Sender.IsSpeaking || voice.Sender.Playout.Count > 0);

    /// <summary>
    /// Plays no more of the model's audio: the call is being handed to another process, whose conversation answers again
    /// what this one has not finished answering (the handoff), so a start of it here would be heard twice.
    /// </summary>
    public void SilenceModel()
    {
        Volatile.Write(ref _suppressModelAudioUntil, long.MaxValue);
        lock (_modelAudioGate)
        {
            _modelAudioHeld = false;
            if (_heldModelAudio is { } held)
            {
                _metrics.FramesDropped.Add(held.Count, GatewayMetrics.ModelAudioSuppressed);
                _heldModelAudio = null;
            }
        }
    }

    /// <summary>
    /// Keeps the model's audio from playing until <see cref="ReleaseModelAudio"/> or <see cref="SilenceModel"/>: while
    /// a handover checks that every call of a shard is at a pause, an answer arriving meanwhile must not start (it would be
    /// cut by the handover and heard again from the receiver). Held audio is kept, not lost.
    /// </summary>
    public void HoldModelAudio()
    {
        lock (_modelAudioGate)
        {
            _modelAudioHeld = true;
        }
    }

    /// <summary>Plays what <see cref="HoldModelAudio"/> held back, in order, and lets the model's audio through again.</summary>
    public void ReleaseModelAudio()
    {
        lock (_modelAudioGate)
        {
            _modelAudioHeld = false;
            if (_heldModelAudio is { } held && _voice is { } voice)
            {
                foreach (var (samples, receivedAt) in held)
                {
                    Play(voice, samples, receivedAt);
                }
            }

            _heldModelAudio = null;
        }
    }

    /// <summary>
    /// The moment a cut of the call costs least: the bot is silent and either the users said something the bot has not
    /// answered yet and stopped <paramref name="userSilence"/> ago (they wait for the answer: what was said reaches the
    /// next process in its handoff, and nobody is likely to speak while the bot is away), or nobody has spoken for
    /// <paramref name="idleSilence"/>. Right after an answer the users are about to speak, so that is no pause.
    /// </summary>
    public bool IsAtPause(TimeSpan userSilence, TimeSpan idleSilence)
    {
        if (IsBotSpeaking)
        {
            return false;
        }

        var lastSpeech = _gate.LastSpeechReceivedAt;
        if (lastSpeech == 0)
        {
            return true;
        }

        var silent = _time.GetElapsedTime(lastSpeech);
        return lastSpeech > Volatile.Read(ref _speechAnsweredAt) ? silent >= userSilence : silent >= idleSilence;
    }

    public UplinkGate Gate => _gate;

    /// <summary>The voice connection's per-user frame handler (UDP receive thread).</summary>
    public void OnPcmFrame(VoicePcmFrame frame)
    {
        _mixer.AddFrame(frame.UserId, frame.Samples, frame.ReceivedAt);
    }

    public void Attach(VoiceConnection voice, GeminiConversation gemini)
    {
        _gemini = gemini;
        AttachUplink(voice, new ConversationUplink(gemini));
    }

    /// <summary>Attaches to a voice connection and whatever takes the uplink (the conversation, or a test's stand-in).</summary>
    internal void AttachUplink(VoiceConnection voice, IGeminiUplink uplink)
    {
        _voice = voice;
        _uplinkTarget = uplink;
        voice.Sender.FrameSent += OnFrameSent;
        voice.UserDisconnected += _mixer.RemoveSpeaker;
        // Beside the connection's own op 5 handler, not in place of it; it mutes only while half-duplex is on, which can change live.
        voice.Sender.SpeakingChanged += OnBotSpeakingChanged;
        _uplinkLoop = Task.Run(() => RunUplinkAsync(_stopping.Token));
        var interval = Volatile.Read(ref _options).WatchdogInterval;
        _watchdog = _time.CreateTimer(static s => ((StreamingBridge)s!).OnWatchdog(), this, interval, interval);
    }

    /// <summary>Whether half-duplex and local barge-in are on now.</summary>
    public (bool HalfDuplex, bool LocalBargeIn) Switches
    {
        get
        {
            var options = Volatile.Read(ref _options);
            return (options.HalfDuplex, options.LocalBargeIn);
        }
    }

    /// <summary>
    /// Switches half-duplex and local barge-in on a running conversation. Turning half-duplex off unmutes the uplink at
    /// once; turning it on while the bot talks mutes it until the bot stops.
    /// </summary>
    public void ApplySwitches(bool halfDuplex, bool localBargeIn)
    {
        lock (_optionsWrite)
        {
            Volatile.Write(ref _options, _options with { HalfDuplex = halfDuplex, LocalBargeIn = localBargeIn });
        }

        _gate.Muted = halfDuplex && _voice is { } voice && voice.Sender.IsSpeaking;
    }

    /// <summary>Applies a new persona without leaving the channel; the persona the conversation already holds is not sent again.</summary>
    public Task UpdatePersonaAsync(string persona, CancellationToken cancellationToken)
    {
        if (_gemini is not { } gemini)
        {
            return Task.CompletedTask;
        }

        lock (_optionsWrite)
        {
            if (string.Equals(_options.Persona, persona, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            Volatile.Write(ref _options, _options with { Persona = persona });
        }

        return gemini.UpdatePersonaAsync(persona, cancellationToken);
    }

    void IUplinkSink.SendAudio(ReadOnlySpan<short> pcm, long receivedAt)
    {
        var bytes = MemoryMarshal.AsBytes(pcm);
        var buffer = _uplinkBuffers.Rent(bytes.Length);
        bytes.CopyTo(buffer);
        if (!_uplink.Writer.TryWrite(new UplinkItem(buffer, bytes.Length, receivedAt)))
        {
            _uplinkBuffers.Return(buffer);
            _metrics.FramesDropped.Add(1, GatewayMetrics.UplinkFull);
            return;
        }

        Queued();
    }

    void IUplinkSink.EndAudioStream()
    {
        if (!_uplink.Writer.TryWrite(new UplinkItem(null, 0, 0)))
        {
            _metrics.FramesDropped.Add(1, GatewayMetrics.UplinkFull);
            return;
        }

        Queued();
    }

    /// <summary>An item went into the uplink queue: the first into an empty queue starts the clock the watchdog reads.</summary>
    private void Queued()
    {
        if (Interlocked.Increment(ref _uplinkQueued) - Volatile.Read(ref _uplinkTaken) == 1)
        {
            Volatile.Write(ref _uplinkMovedAt, _time.GetTimestamp());
        }
    }

    /// <summary>The receive loop's stamp of the message whose audio and events follow (same thread, before them).</summary>
    public void OnMessageReceived(long receivedAt)
    {
        Volatile.Write(ref _messageReceivedAt, receivedAt);
        Volatile.Write(ref _awaitingModelSince, 0);
    }

    public void OnAudio(ReadOnlySpan<byte> pcm24k)
    {
        var now = _time.GetTimestamp();
        var receivedAt = MessageReceivedAt(now);
        var voice = _voice;
        if (voice is null)
        {
            return;
        }

        if (Volatile.Read(ref _suppressModelAudioUntil) > now)
        {
            _metrics.FramesDropped.Add(1, GatewayMetrics.ModelAudioSuppressed);
            return;
        }
        var samples = MemoryMarshal.Cast<byte, short>(pcm24k[..(pcm24k.Length & ~1)]);
        lock (_modelAudioGate)
        {
            if (_modelAudioHeld)
            {
                (_heldModelAudio ??= []).Add((samples.ToArray(), receivedAt));
                return;
            }

            Play(voice, samples, receivedAt);
        }
    }

    private void Play(VoiceConnection voice, ReadOnlySpan<short> samples, long receivedAt)
    {
        if (voice.Sender.Playout.Count == 0 && Volatile.Read(ref _downlinkPendingSince) == 0)
        {
            Volatile.Write(ref _downlinkPendingSince, receivedAt);
            // An answer starts: the turn runs from the user's last speech packet before it, each speech ending once (a
            // second answer to the same words, or the model speaking first, is no turn of the user's).
            var lastSpeech = _gate.LastSpeechReceivedAt;
            if (lastSpeech > Volatile.Read(ref _lastTurnSpeech))
            {
                Volatile.Write(ref _lastTurnSpeech, lastSpeech);
                Volatile.Write(ref _turnPendingSince, lastSpeech);
            }
        }

        Volatile.Write(ref _clearedSinceLastAudio, false);
        voice.Sender.Push(samples);
        Usage.ModelAudio(samples.Length);
    }

    public void OnEvent(GeminiEvent liveEvent)
    {
        switch (liveEvent)
        {
            case GeminiInterrupted:
                StartBargeIn(MessageReceivedAt(_time.GetTimestamp()), local: false);
                ClearPlayout();
                _metrics.Interruptions.Add(1, GatewayMetrics.ServerInterruption);
                Usage.Interruption();
                Volatile.Write(ref _suppressModelAudioUntil, 0);
                break;
            case GeminiTurnComplete:
                _metrics.Turns.Add(1);
                Usage.Turn();
                Volatile.Write(ref _suppressModelAudioUntil, 0);
                _observer.OnTurnComplete();
                TurnCompleted?.Invoke();
                break;
            case GeminiResumptionUpdate { IsUsable: true } update:
                _observer.OnResumptionHandle(update.NewHandle!);
                break;
            case GeminiUsage usage:
                Usage.Billed(usage);
                break;
            case GeminiConnectionLost:
                _observer.OnGeminiConnectionChanged(false);
                break;
            case GeminiReconnected reconnected:
                Usage.Reconnect();
                _logger.LogInformation("Gemini reconnected ({Cause}, resumed: {Resumed})", reconnected.Cause, reconnected.Resumed);
                _observer.OnGeminiConnectionChanged(true);
                break;
            case GeminiTranscription transcription:
                _observer.OnTranscription(transcription.Source, transcription.Text, transcription.Finished);
                break;
            case GeminiConversationFailed failed:
                _logger.LogError("Gemini conversation failed: {Reason}", failed.Error.Message);
                _observer.OnConversationFailed(failed.Error);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _watchdog?.Dispose();
        _uplink.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _uplinkLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (_voice is { } voice)
        {
            voice.Sender.FrameSent -= OnFrameSent;
            voice.Sender.SpeakingChanged -= OnBotSpeakingChanged;
            voice.UserDisconnected -= _mixer.RemoveSpeaker;
        }
        _mixer.Dispose();
        _gate.Dispose();
        while (_uplink.Reader.TryRead(out var item))
        {
            if (item.Buffer is not null)
            {
                _uplinkBuffers.Return(item.Buffer);
            }
        }
        _uplinkBuffers.Dispose();
        _stopping.Dispose();
    }

    private void OnSpeechOnset(long firstLoudFrameReceivedAt)
    {
        // Half-duplex mutes the words that would follow a barge-in, so a stopped bot would be answered by nothing.
        var options = Volatile.Read(ref _options);
        if (!options.LocalBargeIn || options.HalfDuplex || _voice is not { } voice || (!voice.Sender.IsSpeaking && voice.Sender.Playout.Count == 0))
        {
            return;
        }

        var now = _time.GetTimestamp();
        StartBargeIn(now, local: true);
        ClearPlayout();
        Volatile.Write(ref _suppressModelAudioUntil, now + (long)(options.LocalBargeInRelease.TotalSeconds * _time.TimestampFrequency));
        _metrics.Interruptions.Add(1, GatewayMetrics.LocalBargeIn);
        Usage.Interruption();
    }

    /// <summary>
    /// Opens a barge-in sample before the clear it answers: frames of the interrupted answer that still leave (taken from
    /// playout before the clear, whose number is the next one) extend it, and the first frame that is not one of them
    /// closes it (<see cref="OnFrameSent"/>). Only while the bot is talking: a silent bot has nothing to stop.
    /// </summary>
    private void StartBargeIn(long since, bool local)
    {
        if (_voice is not { } voice || (!voice.Sender.IsSpeaking && voice.Sender.Playout.Count == 0))
        {
            return;
        }

        // A packet of the answer may have left between the message coming off the socket and this handler.
        Volatile.Write(ref _bargeInLastAudio, Volatile.Read(ref _lastReplyFrameAt));
        Volatile.Write(ref _bargeInLocal, local);
        Volatile.Write(ref _bargeInEpoch, voice.Sender.Clears + 1);
        Volatile.Write(ref _bargeInSince, since);
    }

    /// <summary>A message's receive stamp, or <paramref name="now"/> when none came with it (a listener driven directly).</summary>
    private long MessageReceivedAt(long now)
    {
        var receivedAt = Volatile.Read(ref _messageReceivedAt);
        return receivedAt is > 0 && receivedAt <= now ? receivedAt : now;
    }

    private void ClearPlayout()
    {
        lock (_modelAudioGate)
        {
            // Audio held for a pause check belongs to the answer being cleared.
            _heldModelAudio = null;
        }

        if (_voice is not { } voice)
        {
            return;
        }
        // The epoch first, then the flag: a frame sent after the flag is up was taken from playout after this clear.
        Volatile.Write(ref _clearEpoch, voice.Sender.Clear());
        Volatile.Write(ref _clearedSinceLastAudio, true);
        Volatile.Write(ref _downlinkPendingSince, 0);
        Volatile.Write(ref _turnPendingSince, 0);
    }

    private void OnBotSpeakingChanged(bool isSpeaking) => _gate.Muted = isSpeaking && Volatile.Read(ref _options).HalfDuplex;

    private void OnFrameSent(VoiceFrameSent sent)
    {
        if (Volatile.Read(ref _bargeInSince) is var bargeInSince and > 0)
        {
            BargeInFrameSent(sent, bargeInSince);
        }

        if (sent.IsSilence)
        {
            Volatile.Write(ref _lastReplyFrameAt, 0);
            return;
        }
        // A frame already on its way when the clear came in (taken from playout before it) is not a frame after it.
        if (Volatile.Read(ref _clearedSinceLastAudio) && sent.ClearsBefore >= Volatile.Read(ref _clearEpoch))
        {
            _metrics.FramesAfterInterrupt.Add(1);
        }

        var pending = Interlocked.Exchange(ref _downlinkPendingSince, 0);
        if (pending > 0)
        {
            Latency.Downlink.RecordMicroseconds(MicrosecondsBetween(pending, sent.SentAt));
            if (Interlocked.Exchange(ref _turnPendingSince, 0) is var turnSince and > 0)
            {
                Latency.Response.RecordMicroseconds(MicrosecondsBetween(turnSince, sent.SentAt));
            }
        }

        // The speech this frame answers (for IsAtPause): whatever reached the model before the bot spoke.
        Volatile.Write(ref _speechAnsweredAt, _gate.LastSpeechReceivedAt);
        var last = Interlocked.Exchange(ref _lastReplyFrameAt, sent.SentAt);
        if (last > 0)
        {
            Latency.SendInterval.RecordMicroseconds(MicrosecondsBetween(last, sent.SentAt));
        }
    }

    /// <summary>
    /// A frame left while a barge-in sample is open: audio of the interrupted answer moves its end; anything else (silence,
    /// or audio queued after the clear) closes it at the last such packet, 0 when none left after the interruption.
    /// </summary>
    private void BargeInFrameSent(in VoiceFrameSent sent, long since)
    {
        if (!sent.IsSilence && sent.ClearsBefore < Volatile.Read(ref _bargeInEpoch))
        {
            Volatile.Write(ref _bargeInLastAudio, sent.SentAt);
            return;
        }

        if (Interlocked.CompareExchange(ref _bargeInSince, 0, since) != since)
        {
            return;
        }

        var lastAudio = Volatile.Read(ref _bargeInLastAudio);
        var histogram = Volatile.Read(ref _bargeInLocal) ? Latency.LocalBargeIn : Latency.ServerBargeIn;
        histogram.RecordMicroseconds(lastAudio > since ? MicrosecondsBetween(since, lastAudio) : 0);
    }

    private void OnUplinkStalled(bool resumed, TimeSpan held)
    {
        _metrics.UplinkStalls.Add(1, resumed ? GatewayMetrics.StallBridged : GatewayMetrics.StallEnded);
        if (resumed)
        {
            // On the receive thread, and frequent on a loaded host: nothing is formatted (or boxed) unless it is wanted.
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.LogDebug("The users' audio stopped for {HeldMs:0} ms in mid-speech and came back; kept as one turn", held.TotalMilliseconds);
            }
        }
        else
        {
            _logger.LogWarning(
                "The users' audio stopped in mid-speech for {HeldSeconds:0.0} s (held up by the network or this host); the stream to Gemini was ended there",
                held.TotalSeconds);
        }
    }

    /// <summary>
    /// Looks for a conversation that went quiet without an error: the users' audio waiting for the model's socket, or a
    /// model that sends nothing after the users stopped. Each is logged and counted once per episode; an uplink stuck past
    /// <see cref="StreamingBridgeOptions.UplinkStallLimit"/> ends the conversation through the failure path.
    /// </summary>
    private void OnWatchdog()
    {
        var options = Volatile.Read(ref _options);
        var now = _time.GetTimestamp();
        var waiting = Volatile.Read(ref _uplinkQueued) - Volatile.Read(ref _uplinkTaken);
        var stuckFor = _time.GetElapsedTime(Volatile.Read(ref _uplinkMovedAt), now);
        if (waiting > 0 && stuckFor >= options.UplinkStallWarning)
        {
            if (_uplinkStalledSince == 0)
            {
                _uplinkStalledSince = now;
                _metrics.ConversationStalls.Add(1, GatewayMetrics.UplinkStalled);
                _logger.LogWarning(
                    "Uplink stalled: {Waiting} items of the users' audio have waited {Seconds:0.0} s for the Gemini socket and none was sent",
                    waiting, stuckFor.TotalSeconds);
            }

            if (stuckFor >= options.UplinkStallLimit && !_uplinkGivenUp)
            {
                _uplinkGivenUp = true;
                _logger.LogError("Uplink stalled for {Seconds:0} s: ending the conversation", stuckFor.TotalSeconds);
                _observer.OnConversationFailed(new GeminiLiveException(
                    GeminiFailureKind.Transient, $"The users' audio could not reach Gemini for {stuckFor.TotalSeconds:0} s."));
            }
        }
        else if (_uplinkStalledSince != 0)
        {
            _logger.LogInformation("Uplink moving again after {Seconds:0.0} s", _time.GetElapsedTime(_uplinkStalledSince, now).TotalSeconds);
            _uplinkStalledSince = 0;
        }

        var awaiting = Volatile.Read(ref _awaitingModelSince);
        if (awaiting != 0 && _time.GetElapsedTime(awaiting, now) is var silent && silent >= options.ModelSilenceWarning)
        {
            if (_modelSilentSince != awaiting)
            {
                _modelSilentSince = awaiting;
                _metrics.ConversationStalls.Add(1, GatewayMetrics.ModelSilent);
                _logger.LogWarning("Gemini has sent nothing for {Seconds:0.0} s since the users stopped speaking", silent.TotalSeconds);
            }
        }
        else if (awaiting == 0 && _modelSilentSince != 0)
        {
            _logger.LogInformation("Gemini is answering again");
            _modelSilentSince = 0;
        }
    }

    private async Task RunUplinkAsync(CancellationToken cancellationToken)
    {
        var gemini = _uplinkTarget!;
        var reader = _uplink.Reader;
        // Waiting with a cancellable token allocates a waiter per wait (one per frame when the queue runs empty, as it
        // does); dispose completes the channel before it cancels the token, which ends this wait just the same.
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (item.Buffer is null)
                    {
                        // The users stopped after their words: the model owes an answer (or at least a message) from here.
                        Interlocked.CompareExchange(ref _awaitingModelSince, _time.GetTimestamp(), 0);
                        await gemini.SendAudioStreamEndAsync(cancellationToken).ConfigureAwait(false);
                        _metrics.UplinkStreamEnds.Add(1);
                        continue;
                    }

                    if (await gemini.TrySendAudioAsync(item.Buffer.AsMemory(0, item.Length), cancellationToken).ConfigureAwait(false))
                    {
                        Latency.Uplink.RecordMicroseconds(MicrosecondsBetween(item.ReceivedAt, _time.GetTimestamp()));
                    }
                    else
                    {
                        // Held for after the reconnect: its wait is the outage's, not the pipeline's.
                        _metrics.UplinkBuffered.Add(1);
                    }

                    _metrics.UplinkFrames.Add(1);
                    Usage.UplinkFrame();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    // The conversation ended (it reports why through OnEvent); keep draining so the voice side never blocks.
                    _logger.LogDebug(ex, "Uplink frame not sent");
                    _metrics.FramesDropped.Add(1, GatewayMetrics.UplinkFailed);
                }
                finally
                {
                    if (item.Buffer is not null)
                    {
                        _uplinkBuffers.Return(item.Buffer);
                    }

                    Volatile.Write(ref _uplinkMovedAt, _time.GetTimestamp());
                    Interlocked.Increment(ref _uplinkTaken);
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Where the uplink goes: the Gemini conversation, whose socket write ends the uplink figure.</summary>
    internal interface IGeminiUplink
    {
        /// <returns>True when the socket took the chunk; false when it was buffered for after a reconnect.</returns>
        ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken);

        ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken);
    }

    private sealed class ConversationUplink(GeminiConversation conversation) : IGeminiUplink
    {
        public ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken) =>
            conversation.TrySendAudioAsync(pcm16k, cancellationToken);

        public ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken) => conversation.SendAudioStreamEndAsync(cancellationToken);
    }

    private long MicrosecondsBetween(long from, long to) =>
        to <= from ? 0 : (to - from) * 1_000_000 / _time.TimestampFrequency;

    /// <param name="Buffer">The frame's PCM (pooled), or null for a stream end.</param>
    /// <param name="Length">The bytes of it in use.</param>
    /// <param name="ReceivedAt">When the frame's (earliest) datagram came off the UDP socket.</param>
    private readonly record struct UplinkItem(byte[]? Buffer, int Length, long ReceivedAt);
}
