using Chorus.Discord.Voice;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>What a running session is: its guild, where it was started from, and the limit it runs under.</summary>
/// <param name="GuildId">The guild (grain key).</param>
/// <param name="GatewayId">This gateway process.</param>
/// <param name="VoiceChannelId">The voice channel the bot is in.</param>
/// <param name="OriginChannelId">The text channel /join was run from: where the session says why it ended.</param>
/// <param name="StartedAt">When the session started (a takeover keeps the original start).</param>
/// <param name="Options">The guild's options when the session started.</param>
internal sealed record SessionContext(
    long GuildId, string GatewayId, ulong? VoiceChannelId, ulong? OriginChannelId, DateTimeOffset StartedAt, GuildOptions Options);

/// <summary>
/// The state machine of one session this gateway process runs, owned here and nowhere else:
/// Joining -> Live &lt;-> Recovering -> Ending -> Ended. Every event (voice state changes and its end, Gemini failing for
/// good, the grain's pushes, the limit timers, a leave) goes through one <see cref="SessionInbox"/> and is acted on by
/// one loop, so transitions never overlap and an ending decided twice happens once. Every ending goes the same way:
/// at most one message in the origin channel, the bot leaves voice, both connections close, the grain records it.
/// </summary>
internal sealed class RunningSession
{
    private readonly SessionContext _context;
    private readonly ISessionParts _parts;
    private readonly SessionInbox _inbox;
    private readonly IVoiceSessionGrain _grain;
    private readonly IDiscordSessionActions? _discord;
    private readonly SessionTimeLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<SessionEnding> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _maxSessionMinutes;
    private int _limitGeneration;
    private bool _warned;
    private bool _voiceRecovering;
    private bool _geminiRecovering;
    private ITimer? _warningTimer;
    private ITimer? _limitTimer;
    private Task? _loop;
    private int _phase = (int)SessionPhase.Joining;
    private volatile bool _handedOver;

    public RunningSession(
        SessionContext context, ISessionParts parts, SessionInbox inbox, IVoiceSessionGrain grain, IDiscordSessionActions? discord,
        SessionTimeLimits limits, TimeProvider time, ILogger logger)
    {
        _context = context;
        _parts = parts;
        _inbox = inbox;
        _grain = grain;
        _discord = discord;
        _limits = limits;
        _time = time;
        _logger = logger;
        _maxSessionMinutes = context.Options.MaxSessionMinutes;
    }

    /// <summary>
    /// The session's shard was handed to another gateway process, which takes the session over: when this side's voice
    /// ends, the session ends quietly here (no message, no leave, the grain left to the new owner).
    /// </summary>
    public void MarkHandedOver() => _handedOver = true;

    public long GuildId => _context.GuildId;

    public SessionPhase Phase => (SessionPhase)Volatile.Read(ref _phase);

    /// <summary>Completes with how the session ended, once it has (the users told, voice left, both sides closed, the grain told).</summary>
    public Task<SessionEnding> Completion => _completion.Task;

    /// <summary>Both sides are up: the session goes Live and starts acting on its events and its time limit.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        SetPhase(SessionPhase.Live);
        // Armed before the loop runs, so that the limit's timers exist from the moment the session is live.
        if (ArmLimit() is { } ending)
        {
            _inbox.Post(new SessionEvent.End(ending));
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Ends the session (if it has not ended already) and completes when it has ended, however it ended.</summary>
    public async Task<SessionEnding> EndAsync(SessionEnding ending)
    {
        _inbox.Post(new SessionEvent.End(ending));
        return await Completion.ConfigureAwait(false);
    }

    /// <summary>The guild's settings changed: a new time limit applies to this session at once.</summary>
    public void OnSettingsChanged(GuildOptions options) => _inbox.Post(new SessionEvent.SettingsChanged(options));

    /// <summary>Sends the counters and latency figures gathered since the last report to the grain.</summary>
    public async Task ReportStatsAsync()
    {
        if (Phase is SessionPhase.Ending or SessionPhase.Ended)
        {
            return;
        }

        try
        {
            var result = await _grain.RecordStatsAsync(_context.GatewayId, _parts.TakeCounterDelta(), _parts.MeasureLatency(_time.GetUtcNow()))
                .ConfigureAwait(false);
            if (result.DailyBudgetReachedUsd is { } budget)
            {
                _inbox.Post(new SessionEvent.End(SessionNotices.BudgetReached(budget, _context.VoiceChannelId)));
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Guild {GuildId}: could not record stats", GuildId);
        }
    }

    private async Task RunAsync()
    {
        SessionEnding? ending = null;
        try
        {
            await foreach (var sessionEvent in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                ending = await ActOnAsync(sessionEvent).ConfigureAwait(false);
                if (ending is not null)
                {
                    break;
                }
            }
        }
#pragma warning disable CA1031 // A bug in acting on one event must still end the session the same way.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Guild {GuildId}: the session's event loop failed", GuildId);
        }

        await FinishAsync(ending ?? SessionEnding.GatewayStopping()).ConfigureAwait(false);
    }

    /// <summary>Acts on one event; returns the ending it calls for, if any.</summary>
    private async Task<SessionEnding?> ActOnAsync(SessionEvent sessionEvent)
    {
        switch (sessionEvent)
        {
            case SessionEvent.End end:
                return end.Ending;
            case SessionEvent.VoiceStateChanged changed when _handedOver && changed.State != VoiceConnectionState.Ready:
            case SessionEvent.VoiceClosed when _handedOver:
                // The gateway the shard was handed to identified it, which ends this side's voice (4014): it runs the
                // session now, in the same channel, so nobody is told anything and the bot does not leave. This side's
                // Gemini session closes at once, not after the voice connection gives up, because Gemini refuses to
                // resume a conversation whose session is still open, and the receiver resumes it within a second.
                return SessionEnding.HandedOver();
            case SessionEvent.VoiceClosed closed:
                _logger.LogWarning("Guild {GuildId}: voice gave up ({Action}: {Reason})", GuildId, closed.Closed.Action, closed.Closed.Reason);
                return SessionNotices.VoiceClosed(closed.Closed, _context.VoiceChannelId);
            case SessionEvent.GeminiFailed failed:
                return SessionNotices.GeminiFailed(failed.Kind);
            case SessionEvent.VoiceStateChanged changed:
                _voiceRecovering = changed.State switch
                {
                    VoiceConnectionState.Ready => false,
                    VoiceConnectionState.Connecting or VoiceConnectionState.Resuming or VoiceConnectionState.Rejoining => true,
                    // Closed is acted on by the connection's Closed event, which says why.
                    _ => _voiceRecovering,
                };
                await FollowConnectionsAsync().ConfigureAwait(false);
                return null;
            case SessionEvent.GeminiConnectionChanged gemini:
                _geminiRecovering = !gemini.Connected;
                await FollowConnectionsAsync().ConfigureAwait(false);
                return null;
            case SessionEvent.SettingsChanged settings:
                if (settings.Options.MaxSessionMinutes != _maxSessionMinutes)
                {
                    _maxSessionMinutes = settings.Options.MaxSessionMinutes;
                    return ArmLimit();
                }

                return null;
            case SessionEvent.LimitWarningDue warning when warning.Generation == _limitGeneration:
                await WarnAsync().ConfigureAwait(false);
                return null;
            case SessionEvent.LimitReached reached when reached.Generation == _limitGeneration:
                return SessionNotices.TimeLimit(_maxSessionMinutes, _context.VoiceChannelId);
            default:
                return null;
        }
    }

    /// <summary>Live while both sides are up, Recovering while either heals.</summary>
    private async Task FollowConnectionsAsync()
    {
        var next = _voiceRecovering || _geminiRecovering ? SessionPhase.Recovering : SessionPhase.Live;
        if (next == Phase)
        {
            return;
        }

        SetPhase(next);
        try
        {
            await _grain.ReportStateAsync(_context.GatewayId, next == SessionPhase.Live ? VoiceSessionState.Active : VoiceSessionState.Reconnecting)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Guild {GuildId}: could not report {Phase} to the grain", GuildId, next);
        }
    }

    /// <summary>(Re)arms the warning and the end for the current limit; returns the ending when it has passed already.</summary>
    private SessionEnding? ArmLimit()
    {
        var generation = ++_limitGeneration;
        _warningTimer?.Dispose();
        _limitTimer?.Dispose();
        var limit = _limits.LimitFor(_maxSessionMinutes);
        var left = _context.StartedAt + limit - _time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            return SessionNotices.TimeLimit(_maxSessionMinutes, _context.VoiceChannelId);
        }

        var warnIn = left - _limits.Warning;
        if (warnIn > TimeSpan.Zero)
        {
            // A limit raised after the warning went out earns a new warning before the new end.
            _warned = false;
            _warningTimer = _time.CreateTimer(_ => _inbox.Post(new SessionEvent.LimitWarningDue(generation)), null, warnIn, Timeout.InfiniteTimeSpan);
        }
        else if (!_warned)
        {
            // A limit lowered to within the warning's reach: warn now, with the time actually left.
            _inbox.Post(new SessionEvent.LimitWarningDue(generation));
        }

        _limitTimer = _time.CreateTimer(_ => _inbox.Post(new SessionEvent.LimitReached(generation)), null, left, Timeout.InfiniteTimeSpan);
        return null;
    }

    private async Task WarnAsync()
    {
        if (_warned)
        {
            return;
        }

        _warned = true;
        var left = _context.StartedAt + _limits.LimitFor(_maxSessionMinutes) - _time.GetUtcNow();
        var shown = left > _limits.Warning - TimeSpan.FromSeconds(1) ? _limits.Warning : left;
        await PostAsync(SessionNotices.TimeLimitWarning(_maxSessionMinutes, shown)).ConfigureAwait(false);
    }

    private async Task FinishAsync(SessionEnding ending)
    {
        SetPhase(SessionPhase.Ending);
        _inbox.Complete();
        _warningTimer?.Dispose();
        _limitTimer?.Dispose();
        _logger.LogInformation("Guild {GuildId}: session ending ({Reason}: {Detail})", GuildId, ending.Reason, ending.Detail);

        // Telling the users, leaving the channel and closing the connections do not wait on each other: closing a
        // voice socket the server does not answer can take seconds, and the users should not wait for it.
        var notice = ending.Notice is { } text ? PostAsync(text) : Task.CompletedTask;
        var leave = ending.LeavesVoice ? LeaveVoiceAsync() : Task.CompletedTask;
        var close = ending.HandsOff ? HandOffAsync() : CloseAsync();
        await Task.WhenAll(notice, leave, close).ConfigureAwait(false);

        await RecordAsync(ending).ConfigureAwait(false);
        SetPhase(SessionPhase.Ended);
        _completion.TrySetResult(ending);
    }

    private async Task RecordAsync(SessionEnding ending)
    {
        var delta = _parts.TakeCounterDelta();
        try
        {
            switch (ending.Record)
            {
                case SessionEndRecord.CompleteLeave:
                    await _grain.CompleteLeaveAsync(_context.GatewayId, delta).ConfigureAwait(false);
                    break;
                case SessionEndRecord.RecordEnd:
                    await _grain.RecordEndAsync(_context.GatewayId, ending.Reason, ending.Detail, delta).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex)
        {
            // The lease runs out on its own; the grain then ends the session without this account.
            _logger.LogWarning(ex, "Guild {GuildId}: could not record the end in the grain", GuildId);
        }
    }

    /// <summary>
    /// Closes the Gemini side first (the receiver cannot resume while it is open, and no handle can come after), leaves
    /// the newest handle and the audio its session never heard in the grain for the receiver, then closes the rest.
    /// </summary>
    private async Task HandOffAsync()
    {
        try
        {
            var handoff = await _parts.HandOffGeminiAsync().ConfigureAwait(false);
            await _grain.HandOffAsync(_context.GatewayId, new SessionHandoff(handoff.ResumptionHandle, handoff.UnheardAudio, handoff.StreamEnded)).ConfigureAwait(false);
            _logger.LogInformation("Guild {GuildId}: handed off ({Bytes} bytes of audio the resumed session has not heard)", GuildId, handoff.UnheardAudio.Length);
        }
        catch (Exception ex)
        {
            // The receiver waits a bounded time for it, then resumes from the stored handle: the turn in flight is lost.
            _logger.LogWarning(ex, "Guild {GuildId}: could not hand the conversation off", GuildId);
        }

        await CloseAsync().ConfigureAwait(false);
    }

    private async Task CloseAsync()
    {
        try
        {
            await _parts.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Guild {GuildId}: closing the session's connections failed", GuildId);
        }
    }

    private async Task LeaveVoiceAsync()
    {
        if (_discord is null)
        {
            return;
        }

        try
        {
            await _discord.LeaveVoiceChannelAsync(unchecked((ulong)GuildId), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Guild {GuildId}: could not tell Discord the bot left voice", GuildId);
        }
    }

    private async Task PostAsync(string text)
    {
        if (_discord is null || _context.OriginChannelId is not ulong channel)
        {
            _logger.LogInformation("Guild {GuildId}: no channel to tell: {Text}", GuildId, text);
            return;
        }

        try
        {
            await _discord.PostMessageAsync(channel, text, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Guild {GuildId}: could not post to the origin channel", GuildId);
        }
    }

    private void SetPhase(SessionPhase phase) => Volatile.Write(ref _phase, (int)phase);
}
