using Chorus.Grains.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Grains.Sessions;

/// <summary>
/// Non-reentrant on purpose: join, move, lease and leave are easier to get right one call at a time.
/// The grain never does Discord or Gemini I/O; the owning gateway does, and reports back.
/// </summary>
[GrainType("voice-session")]
public sealed class VoiceSessionGrain(
    [PersistentState("session", GrainStorageNames.Default)] IPersistentState<VoiceSessionRecord> state,
    IOptions<VoiceSessionOptions> options,
    TimeProvider time,
    ILogger<VoiceSessionGrain> logger) : Grain, IVoiceSessionGrain
{
    private IVoiceSessionObserver? _ownerObserver;
    private IGrainTimer? _leaseTimer;

    private long GuildId => this.GetPrimaryKeyLong();
    private VoiceSessionRecord S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.State != VoiceSessionState.Idle)
        {
            ArmLeaseTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<JoinResult> JoinAsync(JoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.GatewayId);
        var now = time.GetUtcNow();
        JoinOutcome outcome;

        if (S.State == VoiceSessionState.Idle)
        {
            outcome = JoinOutcome.Started;
            S.Current = SessionCounters.Zero;
            S.ResumptionHandle = null;
            S.StartedAt = now;
            S.LastLeaveReason = null;
            S.State = VoiceSessionState.Joining;
        }
        else if (S.OwnerGatewayId == request.GatewayId)
        {
            outcome = S.ChannelId == request.ChannelId ? JoinOutcome.AlreadyJoined : JoinOutcome.Moved;
            if (S.State == VoiceSessionState.Leaving)
            {
                S.State = VoiceSessionState.Joining;
            }
        }
        else if (LeaseIsLive(now))
        {
            logger.LogWarning("Guild {GuildId}: join from gateway {Gateway} refused, owned by {Owner} until {Expiry}",
                GuildId, request.GatewayId, S.OwnerGatewayId, S.LeaseExpiresAt);
            return new JoinResult(JoinOutcome.LeaseConflict, Snapshot(), null,
                $"This server's voice session is run by gateway '{S.OwnerGatewayId}' (lease until {S.LeaseExpiresAt:u}).");
        }
        else
        {
            outcome = JoinOutcome.TookOver;
            S.State = VoiceSessionState.Joining;
            S.Current = S.Current.Add(new SessionCounters(Reconnects: 1));
            S.Lifetime = S.Lifetime.Add(new SessionCounters(Reconnects: 1));
            _ownerObserver = null;
        }

        S.OwnerGatewayId = request.GatewayId;
        S.ChannelId = request.ChannelId;
        S.LeaseExpiresAt = now + options.Value.LeaseDuration;
        await state.WriteStateAsync();
        ArmLeaseTimer();

        var settings = await GrainFactory.GetGrain<IGuildSettingsGrain>(GuildId).GetAsync();
        logger.LogInformation("Guild {GuildId}: join {Outcome} on channel {ChannelId} by gateway {Gateway}",
            GuildId, outcome, request.ChannelId, request.GatewayId);
        return new JoinResult(outcome, Snapshot(), settings, null);
    }

    public async Task<LeaseResult> RenewLeaseAsync(string gatewayId, IVoiceSessionObserver observer)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        _ownerObserver = observer;
        S.LeaseExpiresAt = time.GetUtcNow() + options.Value.LeaseDuration;
        if (S.State == VoiceSessionState.Reconnecting && S.OwnerGatewayId == gatewayId && _ownerObserver is not null)
        {
            logger.LogInformation("Guild {GuildId}: gateway {Gateway} renewed its lease", GuildId, gatewayId);
        }

        await state.WriteStateAsync();
        ArmLeaseTimer();
        return Owned();
    }

    public async Task<LeaseResult> ReportStateAsync(string gatewayId, VoiceSessionState newState)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        if (newState is VoiceSessionState.Idle or VoiceSessionState.Leaving)
        {
            return new LeaseResult(true, S.LeaseExpiresAt, S.State, "Use LeaveAsync/CompleteLeaveAsync to end a session.");
        }

        if (S.State == VoiceSessionState.Leaving)
        {
            return new LeaseResult(true, S.LeaseExpiresAt, S.State, "The session is leaving.");
        }

        if (S.State != newState)
        {
            logger.LogInformation("Guild {GuildId}: {From} -> {To}", GuildId, S.State, newState);
            S.State = newState;
            await state.WriteStateAsync();
        }
        return Owned();
    }

    public async Task<LeaseResult> RecordResumptionHandleAsync(string gatewayId, string? handle)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        if (S.ResumptionHandle != handle)
        {
            S.ResumptionHandle = handle;
            await state.WriteStateAsync();
        }
        return Owned();
    }

    public async Task<LeaseResult> RecordStatsAsync(string gatewayId, SessionCounters delta, LatencyFigures? latency)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        ArgumentNullException.ThrowIfNull(delta);
        S.Current = S.Current.Add(delta);
        S.Lifetime = S.Lifetime.Add(delta);
        S.Latency = latency ?? S.Latency;
        await state.WriteStateAsync();
        return Owned();
    }

    public async Task<VoiceSessionSnapshot> LeaveAsync(string reason)
    {
        if (S.State == VoiceSessionState.Idle)
        {
            return Snapshot();
        }

        S.LastLeaveReason = reason;
        var observer = _ownerObserver;
        if (observer is null || !LeaseIsLive(time.GetUtcNow()))
        {
            // Nobody is running the session: there is nothing to close, so it ends here.
            logger.LogInformation("Guild {GuildId}: leave ({Reason}) with no live owner; session ends", GuildId, reason);
            EndSession();
            await state.WriteStateAsync();
            return Snapshot();
        }

        S.State = VoiceSessionState.Leaving;
        await state.WriteStateAsync();
        logger.LogInformation("Guild {GuildId}: leave ({Reason}) sent to gateway {Gateway}", GuildId, reason, S.OwnerGatewayId);
        try
        {
            await observer.OnLeaveRequestedAsync(GuildId, reason);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Guild {GuildId}: the owner could not be told to leave; it loses the session when its lease ends", GuildId);
            _ownerObserver = null;
        }
        return Snapshot();
    }

    public async Task<VoiceSessionSnapshot> CompleteLeaveAsync(string gatewayId, SessionCounters finalDelta)
    {
        if (S.State == VoiceSessionState.Idle || S.OwnerGatewayId != gatewayId)
        {
            return Snapshot();
        }

        finalDelta ??= SessionCounters.Zero;
        S.Current = S.Current.Add(finalDelta);
        S.Lifetime = S.Lifetime.Add(finalDelta);
        S.LastLeaveReason ??= "left";
        EndSession();
        await state.WriteStateAsync();
        logger.LogInformation("Guild {GuildId}: session ended by gateway {Gateway}", GuildId, gatewayId);
        return Snapshot();
    }

    public async Task NotifySettingsChangedAsync(GuildSettings settings)
    {
        var observer = _ownerObserver;
        if (observer is null || S.State is VoiceSessionState.Idle or VoiceSessionState.Leaving)
        {
            return;
        }

        try
        {
            await observer.OnSettingsChangedAsync(GuildId, settings);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Guild {GuildId}: could not push settings to gateway {Gateway}", GuildId, S.OwnerGatewayId);
            _ownerObserver = null;
        }
    }

    public Task<VoiceSessionSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private void EndSession()
    {
        S.State = VoiceSessionState.Idle;
        S.OwnerGatewayId = null;
        S.LeaseExpiresAt = null;
        S.ChannelId = null;
        S.ResumptionHandle = null;
        _ownerObserver = null;
        _leaseTimer?.Dispose();
        _leaseTimer = null;
    }

    private bool LeaseIsLive(DateTimeOffset now) =>
        S.OwnerGatewayId is not null && S.LeaseExpiresAt is { } expiry && expiry > now;

    private LeaseResult? NotOwner(string gatewayId)
    {
        if (S.State != VoiceSessionState.Idle && S.OwnerGatewayId == gatewayId)
        {
            return null;
        }

        var error = S.State == VoiceSessionState.Idle
            ? "There is no active session."
            : $"The session belongs to gateway '{S.OwnerGatewayId}'.";
        return new LeaseResult(false, null, S.State, error);
    }

    private LeaseResult Owned() => new(true, S.LeaseExpiresAt, S.State, null);

    /// <summary>
    /// One-shot timer re-armed on every renewal; when it fires with the lease still unrenewed the
    /// session is marked Reconnecting so status shows it, and any gateway may take it over.
    /// </summary>
    private void ArmLeaseTimer()
    {
        if (S.LeaseExpiresAt is not { } expiry)
        {
            return;
        }

        var due = expiry - time.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        var timerOptions = new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true };
        if (_leaseTimer is null)
        {
            _leaseTimer = this.RegisterGrainTimer(OnLeaseTimerAsync, timerOptions);
        }
        else
        {
            _leaseTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnLeaseTimerAsync(CancellationToken cancellationToken)
    {
        if (S.State == VoiceSessionState.Idle || LeaseIsLive(time.GetUtcNow()))
        {
            if (S.State != VoiceSessionState.Idle)
            {
                ArmLeaseTimer();
            }

            return;
        }
        logger.LogWarning("Guild {GuildId}: lease of gateway {Gateway} expired", GuildId, S.OwnerGatewayId);
        _ownerObserver = null;
        if (S.State == VoiceSessionState.Leaving)
        {
            EndSession();
        }
        else
        {
            S.State = VoiceSessionState.Reconnecting;
        }

        await state.WriteStateAsync(cancellationToken);
    }

    private VoiceSessionSnapshot Snapshot() => new(
        GuildId, S.State, S.ChannelId, S.OwnerGatewayId, S.LeaseExpiresAt, S.ResumptionHandle,
        S.Current, S.Lifetime, S.Latency, S.StartedAt, S.LastLeaveReason);
}
