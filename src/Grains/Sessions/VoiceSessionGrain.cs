using Chorus.Grains.Settings;
using Chorus.Grains.Usage;
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
    IOptions<UsageOptions> usage,
    UsageMetrics metrics,
    TimeProvider time,
    ILogger<VoiceSessionGrain> logger) : Grain, IVoiceSessionGrain
{
    private IVoiceSessionObserver? _ownerObserver;
    private string? _previousOwner;
    private SessionHandoff? _handoff;
    private string? _handoffFrom;
    private IGrainTimer? _leaseTimer;

    private long GuildId => this.GetPrimaryKeyLong();
    /// <summary>The persisted session (its <c>State</c> is the session's lifecycle state).</summary>
    private VoiceSessionRecord Record => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Record.State != VoiceSessionState.Idle)
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

        if (Record.State == VoiceSessionState.Idle)
        {
            if (await RefuseNewSessionAsync(now) is { } refused)
            {
                return refused;
            }

            outcome = JoinOutcome.Started;
            _handoff = null;
            Record.Current = SessionUsage.Zero;
            Record.ResumptionHandle = null;
            Record.StartedAt = now;
            Record.LastLeaveReason = null;
            Record.EndReason = null;
            Record.EndedAt = null;
            Record.OriginChannelId = null;
            Record.State = VoiceSessionState.Joining;
        }
        else if (Record.OwnerGatewayId == request.GatewayId)
        {
            outcome = Record.ChannelId == request.ChannelId ? JoinOutcome.AlreadyJoined : JoinOutcome.Moved;
            if (Record.State == VoiceSessionState.Leaving)
            {
                Record.State = VoiceSessionState.Joining;
            }
        }
        else if (LeaseIsLive(now))
        {
            logger.LogWarning("Guild {GuildId}: join from gateway {Gateway} refused, owned by {Owner} until {Expiry}",
                GuildId, request.GatewayId, Record.OwnerGatewayId, Record.LeaseExpiresAt);
            return new JoinResult(JoinOutcome.LeaseConflict, Snapshot(), null,
                $"This server's voice session is run by gateway '{Record.OwnerGatewayId}' (lease until {Record.LeaseExpiresAt:u}).");
        }
        else
        {
            outcome = JoinOutcome.TookOver;
            // The conversation was admitted when it started; a takeover carries it on, whatever the cap says now.
            await RenewSlotAsync(now + options.Value.LeaseDuration);
            Record.State = VoiceSessionState.Joining;
            Record.Current = Record.Current.Add(new SessionUsage(Reconnects: 1));
            Record.Lifetime = Record.Lifetime.Add(new SessionUsage(Reconnects: 1));
            _ownerObserver = null;
        }

        Record.OwnerGatewayId = request.GatewayId;
        Record.ChannelId = request.ChannelId;
        Record.OriginChannelId = request.OriginChannelId ?? Record.OriginChannelId;
        Record.LeaseExpiresAt = now + options.Value.LeaseDuration;
        await state.WriteStateAsync();
        ArmLeaseTimer();

        var settings = await GrainFactory.GetGrain<IGuildSettingsGrain>(GuildId).GetAsync();
        logger.LogInformation("Guild {GuildId}: join {Outcome} on channel {ChannelId} by gateway {Gateway}",
            GuildId, outcome, request.ChannelId, request.GatewayId);
        return new JoinResult(outcome, Snapshot(), settings, null);
    }

    public async Task<JoinResult> TakeOverAsync(string gatewayId, int shardId, int shardCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayId);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        if (Record.State == VoiceSessionState.Idle || Record.ChannelId is null)
        {
            return new JoinResult(JoinOutcome.LeaseConflict, Snapshot(), null, "There is no live session to take over.");
        }

        if (Record.OwnerGatewayId == gatewayId)
        {
            return new JoinResult(JoinOutcome.AlreadyJoined, Snapshot(), null, null);
        }

        var shardOfGuild = (int)(((ulong)GuildId >> 22) % (ulong)shardCount);
        var shard = await GrainFactory.GetGrain<Sharding.IShardLeaseGrain>(shardId).GetAsync();
        if (shardOfGuild != shardId || shard.Owner != gatewayId)
        {
            logger.LogWarning("Guild {GuildId}: takeover by gateway {Gateway} refused (shard {ShardId} is held by {Owner})",
                GuildId, gatewayId, shardId, shard.Owner);
            return new JoinResult(JoinOutcome.LeaseConflict, Snapshot(), null,
                $"Gateway '{gatewayId}' does not hold the lease of this server's shard.");
        }

        logger.LogInformation("Guild {GuildId}: taken over from gateway {Previous} by gateway {Gateway} (shard {ShardId})",
            GuildId, Record.OwnerGatewayId, gatewayId, shardId);
        Record.State = VoiceSessionState.Joining;
        Record.Current = Record.Current.Add(new SessionUsage(Reconnects: 1));
        Record.Lifetime = Record.Lifetime.Add(new SessionUsage(Reconnects: 1));
        _previousOwner = Record.OwnerGatewayId;
        Record.OwnerGatewayId = gatewayId;
        Record.LeaseExpiresAt = time.GetUtcNow() + options.Value.LeaseDuration;
        _ownerObserver = null;
        await state.WriteStateAsync();
        ArmLeaseTimer();
        var settings = await GrainFactory.GetGrain<IGuildSettingsGrain>(GuildId).GetAsync();
        return new JoinResult(JoinOutcome.TookOver, Snapshot(), settings, null);
    }

    public async Task<LeaseResult> RenewLeaseAsync(string gatewayId, IVoiceSessionObserver observer)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        _ownerObserver = observer;
        Record.LeaseExpiresAt = time.GetUtcNow() + options.Value.LeaseDuration;
        await RenewSlotAsync(Record.LeaseExpiresAt.Value);
        if (Record.State == VoiceSessionState.Reconnecting && Record.OwnerGatewayId == gatewayId && _ownerObserver is not null)
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
            return new LeaseResult(true, Record.LeaseExpiresAt, Record.State, "Use LeaveAsync/CompleteLeaveAsync to end a session.");
        }

        if (Record.State == VoiceSessionState.Leaving)
        {
            return new LeaseResult(true, Record.LeaseExpiresAt, Record.State, "The session is leaving.");
        }

        if (Record.State != newState)
        {
            logger.LogInformation("Guild {GuildId}: {From} -> {To}", GuildId, Record.State, newState);
            Record.State = newState;
            await state.WriteStateAsync();
        }
        return Owned();
    }

    public async Task HandOffAsync(string fromGatewayId, SessionHandoff handoff)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        // The receiver's takeover and this call race (both follow the receiver's identify): either order is fine.
        if (Record.State == VoiceSessionState.Idle || (fromGatewayId != Record.OwnerGatewayId && fromGatewayId != _previousOwner))
        {
            logger.LogWarning("Guild {GuildId}: handoff from gateway {Gateway} ignored (owner {Owner})", GuildId, fromGatewayId, Record.OwnerGatewayId);
            return;
        }

        _handoff = handoff;
        _handoffFrom = fromGatewayId;
        logger.LogInformation("Guild {GuildId}: handed off by gateway {Gateway} ({Bytes} bytes of unheard audio)",
            GuildId, fromGatewayId, handoff.UnheardAudio.Length);
        if (handoff.ResumptionHandle is { } handle && handle != Record.ResumptionHandle)
        {
            Record.ResumptionHandle = handle;
            await state.WriteStateAsync();
        }
    }

    public Task<SessionHandoff?> TakeHandoffAsync(string gatewayId)
    {
        if (Record.OwnerGatewayId != gatewayId || _handoff is null || _handoffFrom == gatewayId)
        {
            return Task.FromResult<SessionHandoff?>(null);
        }

        var handoff = _handoff;
        _handoff = null;
        return Task.FromResult<SessionHandoff?>(handoff);
    }

    public async Task<LeaseResult> RecordResumptionHandleAsync(string gatewayId, string? handle)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        if (_handoffFrom != gatewayId)
        {
            // The new owner's conversation has moved past what the previous one left.
            _handoff = null;
        }

        if (Record.ResumptionHandle != handle)
        {
            Record.ResumptionHandle = handle;
            await state.WriteStateAsync();
        }
        return Owned();
    }

    public async Task<LeaseResult> RecordStatsAsync(string gatewayId, SessionUsage delta, LatencyFigures? latency)
    {
        if (NotOwner(gatewayId) is { } refused)
        {
            return refused;
        }

        ArgumentNullException.ThrowIfNull(delta);
        var priced = AddCounters(delta);
        Record.Latency = latency ?? Record.Latency;
        await state.WriteStateAsync();
        var guildUsage = await RecordUsageAsync(priced);
        if (guildUsage is { BudgetReached: true } && Record.State != VoiceSessionState.Leaving)
        {
            logger.LogInformation("Guild {GuildId}: daily budget of {Budget} USD reached ({Cost} USD today); the owner ends the session",
                GuildId, guildUsage.DailyBudgetUsd, guildUsage.Today.EstimatedCostUsd);
            metrics.BudgetReached();
            return Owned() with { DailyBudgetReachedUsd = guildUsage.DailyBudgetUsd };
        }

        return Owned();
    }

    public async Task<VoiceSessionSnapshot> LeaveAsync(string reason)
    {
        if (Record.State == VoiceSessionState.Idle)
        {
            return Snapshot();
        }

        Record.LastLeaveReason = reason;
        var observer = _ownerObserver;
        if (observer is null || !LeaseIsLive(time.GetUtcNow()))
        {
            // Nobody is running the session: there is nothing to close, so it ends here.
            logger.LogInformation("Guild {GuildId}: leave ({Reason}) with no live owner; session ends", GuildId, reason);
            EndSession(SessionEndReason.Left);
            await state.WriteStateAsync();
            await ReleaseSlotAsync();
            return Snapshot();
        }

        Record.State = VoiceSessionState.Leaving;
        await state.WriteStateAsync();
        logger.LogInformation("Guild {GuildId}: leave ({Reason}) sent to gateway {Gateway}", GuildId, reason, Record.OwnerGatewayId);
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

    public async Task<VoiceSessionSnapshot> CompleteLeaveAsync(string gatewayId, SessionUsage finalDelta)
    {
        if (Record.State == VoiceSessionState.Idle || Record.OwnerGatewayId != gatewayId)
        {
            return Snapshot();
        }

        finalDelta ??= SessionUsage.Zero;
        var priced = AddCounters(finalDelta);
        Record.LastLeaveReason ??= "left";
        EndSession(SessionEndReason.Left);
        await state.WriteStateAsync();
        await ReleaseSlotAsync();
        await RecordUsageAsync(priced);
        logger.LogInformation("Guild {GuildId}: session ended by gateway {Gateway}", GuildId, gatewayId);
        return Snapshot();
    }

    public async Task<VoiceSessionSnapshot> RecordEndAsync(string gatewayId, SessionEndReason reason, string detail, SessionUsage finalDelta)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gatewayId);
        if (Record.State != VoiceSessionState.Idle && Record.OwnerGatewayId != gatewayId)
        {
            // Another gateway took the session over: its account of the session is the one that counts.
            return Snapshot();
        }

        finalDelta ??= SessionUsage.Zero;
        var priced = Record.State != VoiceSessionState.Idle ? AddCounters(finalDelta) : null;
        Record.LastLeaveReason = detail;
        EndSession(reason);
        await state.WriteStateAsync();
        await ReleaseSlotAsync();
        if (priced is not null)
        {
            await RecordUsageAsync(priced);
        }
        logger.LogInformation("Guild {GuildId}: session ended by gateway {Gateway}: {Reason}", GuildId, gatewayId, reason);
        return Snapshot();
    }

    public async Task NotifySettingsChangedAsync(GuildSettings settings)
    {
        var observer = _ownerObserver;
        if (observer is null || Record.State is VoiceSessionState.Idle or VoiceSessionState.Leaving)
        {
            return;
        }

        try
        {
            await observer.OnSettingsChangedAsync(GuildId, settings);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Guild {GuildId}: could not push settings to gateway {Gateway}", GuildId, Record.OwnerGatewayId);
            _ownerObserver = null;
        }
    }

    public Task<VoiceSessionSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private ISessionAdmissionGrain Admission => GrainFactory.GetGrain<ISessionAdmissionGrain>(ISessionAdmissionGrain.ClusterKey);

    /// <summary>A new session is refused while the guild's budget is spent or the cluster is full: the reason in words, or null.</summary>
    private async Task<JoinResult?> RefuseNewSessionAsync(DateTimeOffset now)
    {
        var guildUsage = await GrainFactory.GetGrain<IGuildUsageGrain>(GuildId).GetAsync();
        if (guildUsage.BudgetReached)
        {
            metrics.Refused("budget");
            return new JoinResult(JoinOutcome.OverBudget, Snapshot(), null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"This server has used its daily budget for conversations (${guildUsage.DailyBudgetUsd:0.00}). It resets at midnight UTC; /usage shows what was used."));
        }

        var admission = await Admission.TryAdmitAsync(GuildId, now + options.Value.LeaseDuration);
        if (!admission.Admitted)
        {
            metrics.Refused("full");
            return new JoinResult(JoinOutcome.Full, Snapshot(), null, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"I am already in as many conversations as I may run at once ({admission.Cap}). Try /join again in a few minutes."));
        }

        return null;
    }

    /// <summary>Prices <paramref name="delta"/> and adds it to the session's totals; returns the priced delta.</summary>
    private SessionUsage AddCounters(SessionUsage delta)
    {
        var priced = usage.Value.Prices.Priced(delta);
        Record.Current = Record.Current.Add(priced);
        Record.Lifetime = Record.Lifetime.Add(priced);
        metrics.Record(priced);
        return priced;
    }

    /// <summary>Adds a priced delta to the guild's day and month; null when it could not (the session's own totals still have it).</summary>
    private async Task<GuildUsage?> RecordUsageAsync(SessionUsage priced)
    {
        try
        {
            return await GrainFactory.GetGrain<IGuildUsageGrain>(GuildId).RecordAsync(priced);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Guild {GuildId}: could not add usage to the guild's totals", GuildId);
            return null;
        }
    }

    private async Task RenewSlotAsync(DateTimeOffset until)
    {
        try
        {
            await Admission.RenewAsync(GuildId, until);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The slot lapses at the previous expiry at worst; the next renewal takes it back.
            logger.LogWarning(ex, "Guild {GuildId}: could not renew the session's admission slot", GuildId);
        }
    }

    private async Task ReleaseSlotAsync()
    {
        try
        {
            await Admission.ReleaseAsync(GuildId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The slot lapses by itself when the lease it mirrors would have ended.
            logger.LogWarning(ex, "Guild {GuildId}: could not release the session's admission slot", GuildId);
        }
    }

    private void EndSession(SessionEndReason reason)
    {
        Record.EndReason = reason;
        Record.EndedAt = time.GetUtcNow();
        Record.State = VoiceSessionState.Idle;
        Record.OwnerGatewayId = null;
        Record.LeaseExpiresAt = null;
        Record.ChannelId = null;
        Record.ResumptionHandle = null;
        _ownerObserver = null;
        _leaseTimer?.Dispose();
        _leaseTimer = null;
    }

    private bool LeaseIsLive(DateTimeOffset now) =>
        Record.OwnerGatewayId is not null && Record.LeaseExpiresAt is { } expiry && expiry > now;

    private LeaseResult? NotOwner(string gatewayId)
    {
        if (Record.State != VoiceSessionState.Idle && Record.OwnerGatewayId == gatewayId)
        {
            return null;
        }

        var error = Record.State == VoiceSessionState.Idle
            ? "There is no active session."
            : $"The session belongs to gateway '{Record.OwnerGatewayId}'.";
        return new LeaseResult(false, null, Record.State, error);
    }

    private LeaseResult Owned() => new(true, Record.LeaseExpiresAt, Record.State, null);

    /// <summary>
    /// One-shot timer re-armed on every renewal; when it fires with the lease still unrenewed the
    /// session is marked Reconnecting so status shows it, and any gateway may take it over.
    /// </summary>
    private void ArmLeaseTimer()
    {
        if (Record.LeaseExpiresAt is not { } expiry)
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
        if (Record.State == VoiceSessionState.Idle || LeaseIsLive(time.GetUtcNow()))
        {
            if (Record.State != VoiceSessionState.Idle)
            {
                ArmLeaseTimer();
            }

            return;
        }
        logger.LogWarning("Guild {GuildId}: lease of gateway {Gateway} expired", GuildId, Record.OwnerGatewayId);
        _ownerObserver = null;
        var ended = Record.State == VoiceSessionState.Leaving;
        if (ended)
        {
            EndSession(SessionEndReason.Left);
        }
        else
        {
            // The slot is not released here: it lapses with the lease it mirrors, unless a gateway takes the session over.
            Record.State = VoiceSessionState.Reconnecting;
        }

        await state.WriteStateAsync(cancellationToken);
        if (ended)
        {
            await ReleaseSlotAsync();
        }
    }

    private VoiceSessionSnapshot Snapshot() => new(
        GuildId, Record.State, Record.ChannelId, Record.OwnerGatewayId, Record.LeaseExpiresAt, Record.ResumptionHandle,
        Record.Current, Record.Lifetime, Record.Latency, Record.StartedAt, Record.LastLeaveReason,
        Record.EndReason, Record.EndedAt, Record.OriginChannelId);
}
