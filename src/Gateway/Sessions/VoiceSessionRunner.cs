using System.Collections.Concurrent;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gateway.Hosting;
using Chorus.Gateway.Hosting.Logging;
using Chorus.Gemini;
using Chorus.Grains;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// Runs the voice conversations this gateway process owns: for each, a voice connection, a Gemini conversation
/// and the bridge between them, under the control of the guild's <see cref="IVoiceSessionGrain"/>.
/// The grain is told about each step (Active, resumption handles, counters) off the audio path; the
/// audio never waits on it. The grain's pushes arrive through <see cref="SessionControlDispatcher"/>.
/// </summary>
public sealed class VoiceSessionRunner : ISessionControlHandler, IAsyncDisposable
{
    private readonly IClusterClient _cluster;
    private readonly SessionLeaseKeeper _leases;
    private readonly IDiscordSessionActions? _discord;
    private readonly GeminiClientOptions _gemini;
    private readonly StreamingBridgeOptions _bridgeDefaults;
    private readonly ChorusMetrics _metrics;
    private readonly Func<VoiceConnectionOptions, VoiceConnectionOptions> _voiceOptions;
    private readonly SessionTimeLimits _limits;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly VoiceCredentialRefresher? _credentialRefresher;
    private readonly ILogger<VoiceSessionRunner> _logger;
    private readonly ILogRedaction? _redaction;
    private readonly ConcurrentDictionary<long, Running> _sessions = new();

    /// <param name="cluster">The grains.</param>
    /// <param name="leases">Keeps the leases of the sessions started here.</param>
    /// <param name="gemini">How to reach Gemini.</param>
    /// <param name="loggers">Loggers for the runner and each session's parts.</param>
    /// <param name="discord">
    /// Tells Discord the bot left, posts transcripts and the message that says why a session ended; without it
    /// (tests) none of that happens.
    /// </param>
    /// <param name="bridgeDefaults">Bridge settings the guild's options start from.</param>
    /// <param name="voiceOptions">Adjusts each voice connection's options (transport, pacing clock).</param>
    /// <param name="time">The clock for the bridges' timers and the sessions' time limits.</param>
    /// <param name="limits">How long a guild's "max session minutes" are (a minute each, but for the sandbox).</param>
    /// <param name="credentialRefresher">
    /// Fresh voice credentials (op 4 again) when a voice connection must rejoin; without it (tests) a rejoin reuses the old ones.
    /// </param>
    /// <param name="metrics">The host's instruments; the libraries' shared sets when null (tests).</param>
    /// <param name="redaction">Told each guild's persona as it is read, so no log line can quote it; without it (tests) nothing is.</param>
    public VoiceSessionRunner(
        IClusterClient cluster, SessionLeaseKeeper leases, IOptions<GeminiClientOptions> gemini,
        ILoggerFactory loggers, IDiscordSessionActions? discord = null, StreamingBridgeOptions? bridgeDefaults = null,
        Func<VoiceConnectionOptions, VoiceConnectionOptions>? voiceOptions = null, TimeProvider? time = null,
        SessionTimeLimits? limits = null, VoiceCredentialRefresher? credentialRefresher = null, ChorusMetrics? metrics = null,
        ILogRedaction? redaction = null)
    {
        _metrics = metrics ?? ChorusMetrics.Default;
        _redaction = redaction;
        _time = time ?? TimeProvider.System;
        _credentialRefresher = credentialRefresher;
        _cluster = cluster;
        _leases = leases;
        _discord = discord;
        _gemini = gemini.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<VoiceSessionRunner>();
        _bridgeDefaults = bridgeDefaults ?? new StreamingBridgeOptions();
        _voiceOptions = voiceOptions ?? (o => o);
        _limits = limits ?? new SessionTimeLimits();
    }

    /// <summary>Whether a session runs here, or is still being ended.</summary>
    public bool IsRunning(long guildId) => _sessions.ContainsKey(guildId);

    /// <summary>Where the guild's session is in its life here, or null when none runs here.</summary>
    public SessionPhase? PhaseOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Session.Phase : null;

    public StreamingBridge? BridgeOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Parts.Bridge : null;

    /// <summary>Whether the guild's call is at a pause (<see cref="StreamingBridge.IsAtPause"/>); true when none runs here.</summary>
    public bool IsAtPause(long guildId, TimeSpan userSilence, TimeSpan idleSilence) =>
        !_sessions.TryGetValue(guildId, out var s) || s.Parts.Bridge.IsAtPause(userSilence, idleSilence);

    public VoiceConnection? VoiceOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Parts.Voice : null;

    /// <summary>Each running conversation's guild and the state of its voice connection (Ready: UDP bound, audio flows).</summary>
    public IReadOnlyList<(long GuildId, VoiceConnectionState State)> VoiceStates() =>
        [.. _sessions.Select(s => (s.Key, s.Value.Parts.Voice.State)).OrderBy(s => s.Item1)];

    public GeminiConversation? ConversationOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Parts.Gemini : null;

    /// <summary>The guilds whose sessions run here.</summary>
    public IReadOnlyList<long> RunningGuildIds => [.. _sessions.Keys.Order()];

    /// <summary>Raised once a session runs here (started, or taken over from another gateway process).</summary>
    public event Action<long>? SessionStarted;

    /// <summary>
    /// The guild's shard is being handed to another gateway process: when the session's voice ends (the other process
    /// identified the shard), it ends here quietly and the other process carries it on.
    /// </summary>
    public void MarkHandedOver(long guildId)
    {
        if (_sessions.TryGetValue(guildId, out var running))
        {
            running.Session.MarkHandedOver();
            _leases.MarkHandedOver(guildId);
            // The receiver answers again whatever is not answered yet: an answer begun here would be cut and repeated.
            running.Parts.Gemini.HoldResumptionPoint();
            running.Parts.Bridge.SilenceModel();
        }
    }

    /// <summary>Holds the guild's model audio back while a handover checks its shard's calls for a pause (<see cref="StreamingBridge.HoldModelAudio"/>).</summary>
    public void HoldModelAudio(long guildId)
    {
        if (_sessions.TryGetValue(guildId, out var running))
        {
            running.Parts.Bridge.HoldModelAudio();
        }
    }

    /// <summary>Plays what <see cref="HoldModelAudio"/> held back: the shard was not handed over at that check.</summary>
    public void ReleaseModelAudio(long guildId)
    {
        if (_sessions.TryGetValue(guildId, out var running))
        {
            running.Parts.Bridge.ReleaseModelAudio();
        }
    }

    /// <summary>Raised once each session that ran here has ended, with how (after the grain was told).</summary>
    public event Action<long, SessionEnding>? SessionEnded;

    /// <summary>
    /// Connects voice and Gemini for a planned session and marks it Active. On failure both sides are
    /// closed, the grain is told, and the exception says what went wrong.
    /// </summary>
    public Task StartAsync(long guildId, JoinResult plan, VoiceServerCredentials credentials, CancellationToken cancellationToken) =>
        StartAsync(guildId, plan, credentials, handoff: null, cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(long, JoinResult, VoiceServerCredentials, CancellationToken)"/> for a session handed over
    /// with its shard: <paramref name="handoff"/> waits (once voice is connecting) for what the previous owner left, whose
    /// handle and unheard audio the Gemini conversation starts from; a null result resumes from the plan's handle.
    /// </summary>
    public async Task StartAsync(
        long guildId, JoinResult plan, VoiceServerCredentials credentials, Func<CancellationToken, Task<SessionHandoff?>>? handoff,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var settings = plan.Settings ?? await _cluster.GetGrain<IGuildSettingsGrain>(guildId).GetAsync().ConfigureAwait(false);
        _redaction?.Protect(settings.Persona);
        if (_sessions.TryGetValue(guildId, out var existing))
        {
            if (plan.Outcome == JoinOutcome.Moved)
            {
                await existing.Parts.Voice.MoveAsync(credentials, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // The voice and Gemini loops started below keep this scope: their lines name the guild and the conversation.
        using var scope = LogScope.BeginSession(_logger, guildId, LogScope.NewSessionId());
        var grain = _cluster.GetGrain<IVoiceSessionGrain>(guildId);
        var inbox = new SessionInbox();
        var transcripts = settings.Options.TranscriptChannelId is { } transcriptChannel && _discord is { } discord
            ? TranscriptPoster.Start((text, ct) => discord.PostMessageAsync(transcriptChannel, text, ct), _logger)
            : null;
        var observer = new SessionBridgeObserver(guildId, grain, _leases.GatewayId, inbox, transcripts, _logger);
        var bridge = new StreamingBridge(
            _bridgeDefaults with { HalfDuplex = settings.Options.HalfDuplex, LocalBargeIn = settings.Options.LocalBargeIn, Persona = settings.Persona },
            observer, _loggers.CreateLogger<StreamingBridge>(), _time, _metrics.Gateway);
        // DAVE (end-to-end encryption) is required by Discord since March 2026; a voice server that
        // does not ask for it gets protocol version 0 and the session passes frames through.
        var dave = new DaveSession(credentials.UserId, plan.Session.ChannelId ?? 0, _loggers.CreateLogger<DaveSession>(), metrics: _metrics.Discord);
        var voice = new VoiceConnection(credentials, _voiceOptions(new VoiceConnectionOptions
        {
            PcmFrameHandler = bridge.OnPcmFrame,
            MaxDaveProtocolVersion = 1,
            DaveHandler = dave,
            FrameCryptor = dave,
            RefreshCredentials = _credentialRefresher?.For(credentials.GuildId),
            Metrics = _metrics.Discord,
        }), _loggers.CreateLogger<VoiceConnection>());
        var gemini = new GeminiConversation(GeminiOptionsFor(settings), bridge, _loggers.CreateLogger<GeminiConversation>());
        var parts = new SessionParts(bridge, voice, gemini, dave, transcripts, observer, inbox);
        var now = _time.GetUtcNow();
        var context = new SessionContext(
            guildId, _leases.GatewayId, plan.Session.ChannelId, plan.Session.OriginChannelId,
            plan.Session.StartedAt is { } startedAt && startedAt <= now ? startedAt : now, settings.Options);
        var session = new RunningSession(context, parts, inbox, grain, _discord, _limits, _time, _logger);
        var running = new Running(session, parts);
        try
        {
            await voice.StartAsync(cancellationToken).ConfigureAwait(false);
            var handedOff = handoff is null ? null : await handoff(cancellationToken).ConfigureAwait(false);
            await gemini.StartAsync(
                new GeminiHandoff(handedOff?.ResumptionHandle ?? plan.Session.ResumptionHandle, handedOff?.UnheardAudio ?? [], handedOff?.StreamEnded ?? false),
                cancellationToken)
                .ConfigureAwait(false);
            bridge.Attach(voice, gemini);
            parts.Follow();
            _sessions[guildId] = running;
            _metrics.Gateway.SessionsActive.Add(1);
            session.Start();
            _ = ForgetWhenEndedAsync(guildId, running);
            await grain.ReportStateAsync(_leases.GatewayId, VoiceSessionState.Active).ConfigureAwait(false);
            await _leases.TrackAsync(guildId, cancellationToken).ConfigureAwait(false);
            RaiseSessionStarted(guildId);
            _logger.LogInformation("Guild {GuildId}: conversation active (model {Model}, resumed: {Resumed})",
                guildId, gemini.Model, plan.Session.ResumptionHandle is not null);
        }
        catch
        {
            if (session.Phase == SessionPhase.Joining)
            {
                await parts.DisposeAsync().ConfigureAwait(false);
                await grain.CompleteLeaveAsync(_leases.GatewayId, parts.TakeCounterDelta()).ConfigureAwait(false);
            }
            else
            {
                // Started, then a grain or lease call failed: it ends the way every session ends.
                await session.EndAsync(SessionEnding.Requested("start failed")).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Ends a session someone asked to end: closes both sides, records the counters, tells Discord the bot left. A
    /// leave often arrives twice at once (the /leave command and the grain's push): the second waits for the first's
    /// teardown instead of ending the grain's session early with no counters.
    /// </summary>
    public Task StopAsync(long guildId, string reason, CancellationToken cancellationToken) =>
        EndAsync(guildId, SessionEnding.Requested(reason), cancellationToken);

    /// <summary>
    /// Ends the guild's session here the way <paramref name="ending"/> says, unless it is ending already; completes once
    /// it has ended. When none runs here, the grain is told that nothing is left to close.
    /// </summary>
    public async Task EndAsync(long guildId, SessionEnding ending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ending);
        if (!_sessions.TryGetValue(guildId, out var running))
        {
            if (ending.Record == SessionEndRecord.CompleteLeave)
            {
                // Not running here (any more): the grain may still wait for an answer.
                await _cluster.GetGrain<IVoiceSessionGrain>(guildId).CompleteLeaveAsync(_leases.GatewayId, SessionUsage.Zero).ConfigureAwait(false);
            }

            return;
        }

        await running.Session.EndAsync(ending).WaitAsync(cancellationToken).ConfigureAwait(false);
        Forget(guildId, running);
    }

    public Task LeaveRequestedAsync(long guildId, string reason, CancellationToken cancellationToken) =>
        StopAsync(guildId, reason, cancellationToken);

    public async Task SettingsChangedAsync(long guildId, GuildSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _redaction?.Protect(settings.Persona);
        if (_sessions.TryGetValue(guildId, out var running))
        {
            running.Session.OnSettingsChanged(settings.Options);
            // Bridge switches apply live; transcripts, Google Search, voice and language are fixed when a session starts.
            running.Parts.Bridge.ApplySwitches(settings.Options.HalfDuplex, settings.Options.LocalBargeIn);
            await running.Parts.Bridge.UpdatePersonaAsync(settings.Persona, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task LeaseLostAsync(long guildId, string? reason, CancellationToken cancellationToken)
    {
        if (!_sessions.ContainsKey(guildId))
        {
            return;
        }

        // Another gateway process that runs the session now keeps the users and the voice channel: close our side
        // only. Lost to nobody (the cluster forgot the session), nobody would end it: it ends here, and says so.
        var snapshot = await _cluster.GetGrain<IVoiceSessionGrain>(guildId).GetAsync().ConfigureAwait(false);
        var takenOver = snapshot.State != VoiceSessionState.Idle && snapshot.OwnerGatewayId != _leases.GatewayId;
        await EndAsync(guildId, takenOver ? SessionEnding.TakenOver(reason) : SessionNotices.LeaseLost(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends each running session's counters and latency figures to its grain.</summary>
    public async Task ReportStatsAsync()
    {
        foreach (var running in _sessions.Values)
        {
            await running.Session.ReportStatsAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Leaves already under way when the process began to stop finish before the cluster client goes.
        await Task.WhenAll(_sessions.Keys.Select(guildId => EndAsync(guildId, SessionEnding.GatewayStopping(), CancellationToken.None)))
            .ConfigureAwait(false);
    }

    private void Forget(long guildId, Running running)
    {
        if (_sessions.TryRemove(new KeyValuePair<long, Running>(guildId, running)))
        {
            _metrics.Gateway.SessionsActive.Add(-1);
        }
    }

    /// <summary>A session that ended on its own (a failure, its time limit) leaves the table and its lease here.</summary>
    private async Task ForgetWhenEndedAsync(long guildId, Running running)
    {
        var ending = await running.Session.Completion.ConfigureAwait(false);
        _leases.Untrack(guildId);
        Forget(guildId, running);
        _logger.LogInformation("Guild {GuildId}: conversation ended ({Reason})", guildId, ending.Reason);
        try
        {
            SessionEnded?.Invoke(guildId, ending);
        }
#pragma warning disable CA1031 // A subscriber's bug must not break the runner.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "Guild {GuildId}: a SessionEnded subscriber threw", guildId);
        }
    }

    private void RaiseSessionStarted(long guildId)
    {
        try
        {
            SessionStarted?.Invoke(guildId);
        }
#pragma warning disable CA1031 // A subscriber's bug must not break the session that just started.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "Guild {GuildId}: a SessionStarted subscriber threw", guildId);
        }
    }

    private GeminiLiveOptions GeminiOptionsFor(GuildSettings settings) => new()
    {
        ApiKey = _gemini.ApiKey,
        BaseUri = _gemini.BaseUrl,
        ApiVersion = _gemini.ApiVersion,
        Model = settings.ModelId,
        FallbackModels = _gemini.FallbackModels,
        VoiceName = settings.VoiceName,
        LanguageCode = settings.LanguageCode,
        SystemInstruction = settings.Persona,
        GoogleSearch = settings.Options.GoogleSearch,
        Metrics = _metrics.Gemini,
        ContextCompression = _gemini.ContextCompression.ToCompression(),
    };

    private sealed record Running(RunningSession Session, SessionParts Parts);
}
