using System.Collections.Concurrent;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Hosting;
using Chorus.Gemini;
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
    private readonly Func<VoiceConnectionOptions, VoiceConnectionOptions> _voiceOptions;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly VoiceCredentialRefresher? _credentialRefresher;
    private readonly ILogger<VoiceSessionRunner> _logger;
    private readonly ConcurrentDictionary<long, RunningSession> _sessions = new();
    private readonly Lock _endingsLock = new();
    private readonly Dictionary<long, Task> _endings = [];

    /// <param name="cluster">The grains.</param>
    /// <param name="leases">Keeps the leases of the sessions started here.</param>
    /// <param name="gemini">How to reach Gemini.</param>
    /// <param name="loggers">Loggers for the runner and each session's parts.</param>
    /// <param name="discord">
    /// Tells Discord the bot left and posts transcripts; without it (tests) neither happens.
    /// </param>
    /// <param name="bridgeDefaults">Bridge settings the guild's options start from.</param>
    /// <param name="voiceOptions">Adjusts each voice connection's options (transport, pacing clock).</param>
    /// <param name="time">The clock for the bridges' timers.</param>
    /// <param name="credentialRefresher">
    /// Fresh voice credentials (op 4 again) when a voice connection must rejoin; without it (tests) a rejoin reuses the old ones.
    /// </param>
    public VoiceSessionRunner(
        IClusterClient cluster, SessionLeaseKeeper leases, IOptions<GeminiClientOptions> gemini,
        ILoggerFactory loggers, IDiscordSessionActions? discord = null, StreamingBridgeOptions? bridgeDefaults = null,
        Func<VoiceConnectionOptions, VoiceConnectionOptions>? voiceOptions = null, TimeProvider? time = null,
        VoiceCredentialRefresher? credentialRefresher = null)
    {
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
    }

    /// <summary>Whether a session runs here, or is still being ended.</summary>
    public bool IsRunning(long guildId)
    {
        if (_sessions.ContainsKey(guildId))
        {
            return true;
        }

        lock (_endingsLock)
        {
            return _endings.ContainsKey(guildId);
        }
    }

    public StreamingBridge? BridgeOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Bridge : null;

    public VoiceConnection? VoiceOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Voice : null;

    public GeminiConversation? ConversationOf(long guildId) => _sessions.TryGetValue(guildId, out var s) ? s.Gemini : null;

    /// <summary>
    /// Connects voice and Gemini for a planned session and marks it Active. On failure both sides are
    /// closed, the grain is told, and the exception says what went wrong.
    /// </summary>
    public async Task StartAsync(long guildId, JoinResult plan, VoiceServerCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var settings = plan.Settings ?? await _cluster.GetGrain<IGuildSettingsGrain>(guildId).GetAsync().ConfigureAwait(false);
        if (_sessions.TryGetValue(guildId, out var existing))
        {
            if (plan.Outcome == JoinOutcome.Moved)
            {
                await existing.Voice.MoveAsync(credentials, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var grain = _cluster.GetGrain<IVoiceSessionGrain>(guildId);
        var session = new RunningSession(guildId, grain, _leases.GatewayId, _logger);
        var bridge = new StreamingBridge(
            _bridgeDefaults with { HalfDuplex = settings.Options.HalfDuplex, LocalBargeIn = settings.Options.LocalBargeIn },
            session, _loggers.CreateLogger<StreamingBridge>(), _time);
        // DAVE (end-to-end encryption) is required by Discord since March 2026; a voice server that
        // does not ask for it gets protocol version 0 and the session passes frames through.
        var dave = new DaveSession(credentials.UserId, plan.Session.ChannelId ?? 0, _loggers.CreateLogger<DaveSession>());
        var voice = new VoiceConnection(credentials, _voiceOptions(new VoiceConnectionOptions
        {
            PcmFrameHandler = bridge.OnPcmFrame,
            MaxDaveProtocolVersion = 1,
            DaveHandler = dave,
            FrameCryptor = dave,
            RefreshCredentials = _credentialRefresher?.For(credentials.GuildId),
        }), _loggers.CreateLogger<VoiceConnection>());
        session.Dave = dave;
        var gemini = new GeminiConversation(GeminiOptionsFor(settings), bridge, _loggers.CreateLogger<GeminiConversation>());
        session.Bridge = bridge;
        session.Voice = voice;
        session.Gemini = gemini;
        if (settings.Options.TranscriptChannelId is { } channelId && _discord is { } discord)
        {
            session.Transcripts = TranscriptPoster.Start((text, ct) => discord.PostMessageAsync(channelId, text, ct), _logger);
        }

        try
        {
            await voice.StartAsync(cancellationToken).ConfigureAwait(false);
            await gemini.StartAsync(plan.Session.ResumptionHandle, cancellationToken).ConfigureAwait(false);
            bridge.Attach(voice, gemini);
            _sessions[guildId] = session;
            await grain.ReportStateAsync(_leases.GatewayId, VoiceSessionState.Active).ConfigureAwait(false);
            await _leases.TrackAsync(guildId, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Guild {GuildId}: conversation active (model {Model}, resumed: {Resumed})",
                guildId, gemini.Model, plan.Session.ResumptionHandle is not null);
        }
        catch
        {
            _sessions.TryRemove(guildId, out _);
            await session.DisposeAsync().ConfigureAwait(false);
            await grain.CompleteLeaveAsync(_leases.GatewayId, session.TakeCounterDelta()).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Ends a session here: closes both sides, records the counters, tells Discord the bot left. A leave often arrives
    /// twice at once (the /leave command and the grain's push): the second waits for the first's teardown instead of
    /// ending the grain's session early with no counters.
    /// </summary>
    public async Task StopAsync(long guildId, string reason, CancellationToken cancellationToken)
    {
        Task ending;
        TaskCompletionSource? owned = null;
        RunningSession? session = null;
        lock (_endingsLock)
        {
            if (_endings.TryGetValue(guildId, out var inFlight))
            {
                ending = inFlight;
            }
            else if (_sessions.TryRemove(guildId, out session))
            {
                owned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                ending = owned.Task;
                _endings[guildId] = ending;
            }
            else
            {
                ending = Task.CompletedTask;
            }
        }

        if (owned is not null)
        {
            try
            {
                await EndAsync(session!, reason).ConfigureAwait(false);
                owned.SetResult();
            }
            catch (Exception ex)
            {
                owned.SetException(ex);
                throw;
            }
            finally
            {
                lock (_endingsLock)
                {
                    _endings.Remove(guildId);
                }
            }
        }
        else if (ending.IsCompleted)
        {
            // Not running here (any more): the grain may still wait for an answer.
            await _cluster.GetGrain<IVoiceSessionGrain>(guildId).CompleteLeaveAsync(_leases.GatewayId, SessionCounters.Zero).ConfigureAwait(false);
            return;
        }
        else
        {
            await ending.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_discord is { } discord)
        {
            await discord.LeaveVoiceChannelAsync(unchecked((ulong)guildId), cancellationToken).ConfigureAwait(false);
        }
    }

    public Task LeaveRequestedAsync(long guildId, string reason, CancellationToken cancellationToken) =>
        StopAsync(guildId, reason, cancellationToken);

    public async Task SettingsChangedAsync(long guildId, GuildSettings settings, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(guildId, out var session))
        {
            await session.Bridge.UpdatePersonaAsync(settings.Persona, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task LeaseLostAsync(long guildId, string? reason, CancellationToken cancellationToken)
    {
        // Another gateway process runs the session now: close our side without touching the grain's state.
        if (_sessions.TryRemove(guildId, out var session))
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends each running session's counters and latency figures to its grain.</summary>
    public async Task ReportStatsAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await session.ReportStatsAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var guildId in _sessions.Keys)
        {
            await StopAsync(guildId, "gateway process shutting down", CancellationToken.None).ConfigureAwait(false);
        }

        // Leaves already under way when the process began to stop finish before the cluster client goes.
        Task[] endings;
        lock (_endingsLock)
        {
            endings = [.. _endings.Values];
        }

        await Task.WhenAll(endings).ConfigureAwait(false);
    }

    private async Task EndAsync(RunningSession session, string reason)
    {
        _leases.Untrack(session.GuildId);
        await session.DisposeAsync().ConfigureAwait(false);
        await session.Grain.CompleteLeaveAsync(_leases.GatewayId, session.TakeCounterDelta()).ConfigureAwait(false);
        _logger.LogInformation("Guild {GuildId}: conversation ended ({Reason})", session.GuildId, reason);
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
    };
}
