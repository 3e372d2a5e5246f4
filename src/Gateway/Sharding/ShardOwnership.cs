using System.Collections.Concurrent;
using Chorus.Discord.Gateway;
using Chorus.Gateway.Commands;
using Chorus.Gateway.Hosting;
using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Chorus.Grains.Sharding;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Sharding;

/// <summary>What happened to a shard (or one of its sessions) at this gateway process.</summary>
public enum ShardChange
{
    /// <summary>Acquired at start (a shard of SHARD_IDS nobody held).</summary>
    Claimed,
    /// <summary>Acquired after its owner let the lease expire (the owner died).</summary>
    TookOver,
    /// <summary>Handed to this process by its owner (a rolling restart, or a preferred shard given back).</summary>
    Received,
    /// <summary>Identified here and READY.</summary>
    Ready,
    /// <summary>Handed by this process to another (it stops, or the other prefers the shard).</summary>
    HandedOver,
    /// <summary>Found owned by another process at renewal.</summary>
    Lost,
    /// <summary>
    /// Another process with the same SHARD_IDS (a replacement started before this one stops) asked for the shard: it
    /// waits as the standby the shard and its sessions are handed to when this process stops (peer: the standby).
    /// </summary>
    Standby,
    /// <summary>A live session of the shard runs here again (same channel, Gemini resumed with its handle).</summary>
    SessionResumed,
    /// <summary>A live session of the shard could not be rejoined; it ended.</summary>
    SessionResumeFailed,
}

/// <summary>One step of the failover timeline.</summary>
public sealed record ShardEvent(int ShardId, ShardChange Change, DateTimeOffset At, string? Peer = null, long? GuildId = null);

/// <summary>
/// Which shards this gateway process runs, decided in the cluster: a <see cref="IShardLeaseGrain"/> per shard holds its
/// owner. At start the process claims the shards of its SHARD_IDS that nobody holds and asks for the others back; then,
/// every renewal interval, it renews its leases, hands a shard to the gateway that asked for it back, starts the shards
/// handed to it, and takes over the shards whose owner died (any shard of SHARD_COUNT, or only its own, as configured),
/// rejoining each of their live voice sessions and resuming each Gemini conversation with its stored handle. Stopping,
/// it hands every shard and the sessions on it to another live gateway before the process disconnects. A replacement
/// started before the old process stops (same SHARD_IDS: a surge deploy) waits as a standby without connecting the shard
/// and is the one handed it at the stop, so each call is cut once. A shard is identified only by its lease's owner, so no
/// two processes run one shard.
/// </summary>
public sealed partial class ShardOwnership : BackgroundService
{
    private readonly IGrainFactory _grains;
    private readonly ShardSet _shards;
    private readonly VoiceSessionRunner _runner;
    private readonly SignallingVoiceChannelJoiner _signalling;
    private readonly ShardLeaseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ShardOwnership> _logger;
    private readonly ConcurrentDictionary<int, byte> _owned = new();
    private readonly ConcurrentQueue<ShardEvent> _timeline = new();
    private readonly ConcurrentDictionary<int, string> _standbys = new();

    /// <summary>How often a receiver asks the session grain for the handoff: a fraction of the audible gap it adds.</summary>
    private static readonly TimeSpan HandoffPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How often a standby looks whether its shard was handed to it: the stopping owner hands it over at a pause of the
    /// shard's calls, and the pause lasts only while the standby has not identified yet. Ten grain reads a second per
    /// standby shard, during a deploy only.
    /// </summary>
    private static readonly TimeSpan StandbyPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>User silence after a sentence the bot has not answered yet that counts as a pause: past the jitter buffer.</summary>
    private static readonly TimeSpan PauseSilence = TimeSpan.FromMilliseconds(150);

    /// <summary>Silence after which a call whose last sentence was answered counts as at a pause (nobody is talking).</summary>
    private static readonly TimeSpan IdleSilence = TimeSpan.FromSeconds(2);

    /// <summary>Shards this process asked for while another holds them: watched every <see cref="StandbyPoll"/>.</summary>
    private readonly ConcurrentDictionary<int, byte> _asked = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private HashSet<int> _preferred = [];
    private volatile bool _claimed;

    public ShardOwnership(
        IGrainFactory grains, ShardSet shards, VoiceSessionRunner runner, SignallingVoiceChannelJoiner signalling,
        IOptions<GatewayOptions> gateway, IOptions<ShardLeaseOptions> options, TimeProvider time, ILogger<ShardOwnership> logger)
    {
        _grains = grains;
        _shards = shards;
        _runner = runner;
        _signalling = signalling;
        _options = options.Value;
        _time = time;
        _logger = logger;
        GatewayId = gateway.Value.Id;
        _runner.SessionStarted += OnSessionStarted;
        _runner.SessionEnded += OnSessionEnded;
    }

    /// <summary>This gateway process: the name its shard leases are held in.</summary>
    public string GatewayId { get; }

    /// <summary>The shards whose lease this process holds.</summary>
    public IReadOnlyList<int> OwnedShards => [.. _owned.Keys.Order()];

    /// <summary>Every step so far, in order (the failover timeline).</summary>
    public IReadOnlyList<ShardEvent> Timeline => [.. _timeline];

    /// <summary>Raised on each step of the timeline.</summary>
    public event Action<ShardEvent>? Changed;

    /// <summary>
    /// Resolves the shard layout and acquires the shards of SHARD_IDS that nobody holds; asks their holders for the
    /// others. Returns the shards to start now.
    /// </summary>
    public async Task<IReadOnlyList<int>> ClaimAsync(CancellationToken cancellationToken)
    {
        await _shards.ResolveAsync(cancellationToken).ConfigureAwait(false);
        // The renewal passes wait for the claim: one could otherwise see a shard just acquired here as handed to it.
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var claimed = await ClaimPreferredAsync(cancellationToken).ConfigureAwait(false);
            _claimed = true;
            return claimed;
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task<IReadOnlyList<int>> ClaimPreferredAsync(CancellationToken cancellationToken)
    {
        _preferred = [.. _shards.PreferredShardIds];
        var claimed = new List<int>();
        foreach (var id in _preferred.Order())
        {
            // A stop is honoured between shards, never by abandoning a lease call: an abandoned call goes on activating
            // the lease grain while an all-in-one silo stops under it (Orleans logs the cancelled activation as an error).
            cancellationToken.ThrowIfCancellationRequested();
            var lease = await Lease(id).AcquireAsync(GatewayId).ConfigureAwait(false);
            if (lease.Granted)
            {
                _owned[id] = 0;
                claimed.Add(id);
                Record(new ShardEvent(id, ShardChange.Claimed, _time.GetUtcNow()));
            }
            else
            {
                LogShardHeld(_logger, id, lease.Owner);
                await Lease(id).RequestReturnAsync(GatewayId).ConfigureAwait(false);
                _asked[id] = 0;
            }
        }

        return claimed;
    }

    /// <summary>
    /// Lets go of the shards still held once they are stopped (nobody took them over at stop): a process that starts next
    /// claims them at once instead of waiting for the leases to lapse.
    /// </summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var id in OwnedShards)
        {
            try
            {
                await Lease(id).ReleaseAsync(GatewayId).ConfigureAwait(false);
                _owned.TryRemove(id, out _);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewalFailed(_logger, id, ex.Message);
            }
        }
    }

    /// <summary>One renewal pass (the timer's work; callable on demand by tests).</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopping.IsCancellationRequested || !_claimed)
            {
                return;
            }

            await RenewOwnedAsync(cancellationToken).ConfigureAwait(false);
            await LookForShardsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await HandOverAllAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    public override void Dispose()
    {
        _runner.SessionStarted -= OnSessionStarted;
        _runner.SessionEnded -= OnSessionEnded;
        _stopping.Dispose();
        _turn.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watch = WatchAskedShardsAsync(stoppingToken);
        await RenewPeriodicallyAsync(stoppingToken).ConfigureAwait(false);
        await watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// While this process waits for shards it asked for (a standby), looks for them every <see cref="StandbyPoll"/> and
    /// runs a pass at once when one was handed here, rather than at the next renewal up to two seconds later.
    /// </summary>
    private async Task WatchAskedShardsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StandbyPoll, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    foreach (var id in _asked.Keys)
                    {
                        if ((await Lease(id).GetAsync().WaitAsync(stoppingToken).ConfigureAwait(false)).Owner == GatewayId)
                        {
                            await RenewAsync(stoppingToken).ConfigureAwait(false);
                            break;
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RenewalInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RenewAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private IShardLeaseGrain Lease(int shardId) => _grains.GetGrain<IShardLeaseGrain>(shardId);

    private async Task RenewOwnedAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _owned.Keys.Order())
        {
            ShardLease lease;
            try
            {
                // Bounded by the renewal interval, not Orleans' 30 s response timeout: a call sent to a silo that stopped
                // under it can hang that long while the grain already answers elsewhere, and the lease (10 s) lapses to
                // another gateway. Seen in a rolling restart; the next pass's call reaches the new activation.
                lease = await Lease(id).RenewAsync(GatewayId).WaitAsync(_options.RenewalInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The grain is unreachable while a silo failover runs: the shard stays here. Nobody else can acquire it
                // meanwhile, and its next activation grants its owner a full lease.
                LogRenewalFailed(_logger, id, ex.Message);
                continue;
            }

            if (!lease.Granted)
            {
                // Another process holds it now (this one was cut off longer than a lease): it identifies the shard, which
                // ends this side's voice; the sessions end here quietly and carry on there.
                LogShardLost(_logger, id, lease.Owner);
                _owned.TryRemove(id, out _);
                MarkSessionsHandedOver(id);
                await _shards.RemoveShardAsync(id, endSession: false).ConfigureAwait(false);
                Record(new ShardEvent(id, ShardChange.Lost, _time.GetUtcNow(), lease.Owner));
            }
            else if (lease.ReturnRequestedBy is { } returnTo && returnTo != GatewayId)
            {
                if (_preferred.Contains(id))
                {
                    // Both prefer the shard: the asker is a replacement started ahead of this process's stop. Handing
                    // the shard over now would cut its calls once now and leave this process nothing to hand at its
                    // stop; keeping it until then makes the one cut of the rolling restart happen at the stop.
                    if (!_standbys.TryGetValue(id, out var known) || known != returnTo)
                    {
                        _standbys[id] = returnTo;
                        Record(new ShardEvent(id, ShardChange.Standby, _time.GetUtcNow(), returnTo));
                    }
                }
                else
                {
                    await HandOverAsync(id, returnTo, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task LookForShardsAsync(CancellationToken cancellationToken)
    {
        var candidates = _options.TakeOverAnyShard ? Enumerable.Range(0, _shards.ShardCount) : _preferred;
        foreach (var id in candidates.Where(id => !_owned.ContainsKey(id)).ToList())
        {
            var lease = await Lease(id).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (lease.Owner == GatewayId)
            {
                _asked.TryRemove(id, out _);
                _owned[id] = 0;
                Record(new ShardEvent(id, ShardChange.Received, _time.GetUtcNow()));
                await StartShardAsync(id, handedOver: true, cancellationToken).ConfigureAwait(false);
            }
            else if (lease.Owner is null && (lease.Orphaned || _preferred.Contains(id)))
            {
                var acquired = await Lease(id).AcquireAsync(GatewayId).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (acquired.Granted)
                {
                    _asked.TryRemove(id, out _);
                    _owned[id] = 0;
                    Record(new ShardEvent(id, lease.Orphaned ? ShardChange.TookOver : ShardChange.Claimed, _time.GetUtcNow()));
                    await StartShardAsync(id, handedOver: false, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (lease.Owner is not null && _preferred.Contains(id) && (lease.ReturnRequestedBy is null || lease.ReturnRequestedBy == GatewayId))
            {
                // Repeated every pass: the request lapses like a lease, so the owner never hands a shard to a standby
                // that has died since it asked.
                await Lease(id).RequestReturnAsync(GatewayId).WaitAsync(cancellationToken).ConfigureAwait(false);
                _asked[id] = 0;
            }
        }
    }

    /// <summary>
    /// Identifies a shard this process now holds, then rejoins the live sessions that were on it; a shard handed over by
    /// a live owner comes with what that owner leaves of each session as its voice ends.
    /// </summary>
    private async Task StartShardAsync(int shardId, bool handedOver, CancellationToken cancellationToken)
    {
        // Starting a shard waits for its identify slot (up to 5 s per max_concurrency bucket, more with several shards
        // queued) and this runs inside a renewal pass: the leases held here are renewed meanwhile, or a lease shorter
        // than the wait lapses and the sessions of the shard just received are refused to this very process.
        using var keepRenewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = KeepRenewingAsync(keepRenewing.Token);
        try
        {
            await _shards.AddShardAsync(shardId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogShardStartFailed(_logger, shardId, ex.Message);
            _owned.TryRemove(shardId, out _);
            await Lease(shardId).ReleaseAsync(GatewayId).ConfigureAwait(false);
            return;
        }
        finally
        {
            await keepRenewing.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Record(new ShardEvent(shardId, ShardChange.Ready, _time.GetUtcNow()));
        var guilds = await Lease(shardId).GetSessionsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(guilds.Select(g => RejoinAsync(shardId, g, handedOver, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Renews every lease held here each renewal interval until cancelled; a lease found lost is the next pass's to handle.</summary>
    private async Task KeepRenewingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.RenewalInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var id in _owned.Keys.Order())
            {
                try
                {
                    await Lease(id).RenewAsync(GatewayId).WaitAsync(_options.RenewalInterval, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewalFailed(_logger, id, ex.Message);
                }
            }
        }
    }

    /// <summary>
    /// Takes a live session of the shard over: the grain hands it to this process (it holds the shard), the bot joins
    /// the same channel, and the runner resumes the Gemini conversation with the session's stored handle.
    /// </summary>
    private async Task RejoinAsync(int shardId, long guildId, bool handedOver, CancellationToken cancellationToken)
    {
        var grain = _grains.GetGrain<IVoiceSessionGrain>(guildId);
        try
        {
            if (_runner.IsRunning(guildId))
            {
                return;
            }

            var snapshot = await grain.GetAsync().ConfigureAwait(false);
            if (snapshot.State == VoiceSessionState.Idle || snapshot.ChannelId is not ulong channelId)
            {
                await Lease(shardId).RemoveSessionAsync(guildId).ConfigureAwait(false);
                return;
            }

            var plan = await grain.TakeOverAsync(GatewayId, shardId, _shards.ShardCount).ConfigureAwait(false);
            if (!plan.Accepted)
            {
                LogRejoinFailed(_logger, guildId, plan.Error ?? "refused");
                return;
            }

            var (credentials, failure) = await _signalling.SignalAsync(unchecked((ulong)guildId), channelId, cancellationToken).ConfigureAwait(false);
            if (credentials is null)
            {
                throw new InvalidOperationException(failure);
            }

            await _runner.StartAsync(guildId, plan, credentials.ToVoiceServerCredentials(),
                handedOver ? ct => WaitForHandoffAsync(grain, guildId, ct) : null, cancellationToken).ConfigureAwait(false);
            Record(new ShardEvent(shardId, ShardChange.SessionResumed, _time.GetUtcNow(), GuildId: guildId));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRejoinFailed(_logger, guildId, ex.Message);
            Record(new ShardEvent(shardId, ShardChange.SessionResumeFailed, _time.GetUtcNow(), GuildId: guildId));
            if (!_runner.IsRunning(guildId))
            {
                await grain.RecordEndAsync(GatewayId, SessionEndReason.VoiceLost, "could not be rejoined after a gateway failover", SessionUsage.Zero)
                    .ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// What the previous owner left of a session handed over with its shard: it closes its Gemini side once our identify
    /// has ended its voice, which is also when Gemini lets the conversation be resumed here. Bounded: without it (the
    /// previous owner failed to leave it), the conversation resumes from the stored handle and the turn in flight is lost.
    /// </summary>
    private async Task<SessionHandoff?> WaitForHandoffAsync(IVoiceSessionGrain grain, long guildId, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.HandoffTimeout;
        while (true)
        {
            if (await grain.TakeHandoffAsync(GatewayId).WaitAsync(cancellationToken).ConfigureAwait(false) is { } handoff)
            {
                return handoff;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                LogNoHandoff(_logger, guildId, _options.HandoffTimeout);
                return null;
            }

            await Task.Delay(HandoffPoll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives a shard to <paramref name="toGatewayId"/>: this side's sessions on it are told to end quietly once their
    /// voice ends; the shard's socket closes resumably (so Discord keeps the voice connections up until the receiver
    /// identifies); the lease names the receiver, which starts the shard on its next pass and rejoins the sessions.
    /// </summary>
    private async Task HandOverAsync(int shardId, string toGatewayId, CancellationToken cancellationToken)
    {
        MarkSessionsHandedOver(shardId);
        await _shards.RemoveShardAsync(shardId, endSession: false).ConfigureAwait(false);
        var lease = await Lease(shardId).HandOverAsync(GatewayId, toGatewayId).WaitAsync(cancellationToken).ConfigureAwait(false);
        _owned.TryRemove(shardId, out _);
        LogHandedOver(_logger, shardId, lease.Owner ?? toGatewayId);
        Record(new ShardEvent(shardId, ShardChange.HandedOver, _time.GetUtcNow(), toGatewayId));
    }

    /// <summary>
    /// A stopping process hands each shard to another live gateway, spreading them, and waits (bounded) until the
    /// receivers carry the sessions on. A shard with a live standby (a replacement with the same SHARD_IDS, started before
    /// this stop) goes to it, so its calls are cut once; the others go to gateways holding a shard lease. With no other
    /// gateway, nothing is handed over and the sessions end as they always did.
    /// </summary>
    private async Task HandOverAllAsync(CancellationToken cancellationToken)
    {
        var owned = OwnedShards;
        if (owned.Count == 0)
        {
            return;
        }

        var standbys = new Dictionary<int, string>();
        var receivers = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var id = 0; id < _shards.ShardCount; id++)
            {
                var lease = await Lease(id).GetAsync().ConfigureAwait(false);
                if (_owned.ContainsKey(id))
                {
                    if (lease.ReturnRequestedBy is { } standby && standby != GatewayId)
                    {
                        standbys[id] = standby;
                    }
                }
                else if (lease.Owner is { } owner && owner != GatewayId)
                {
                    receivers.Add(owner);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPassFailed(_logger, ex);
        }

        // With no other owner, the standbys take the shards that have none of their own.
        var targets = (receivers.Count > 0 ? receivers : standbys.Values.ToHashSet(StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            LogNoReceiver(_logger, owned.Count);
            return;
        }

        var handedSessions = new List<long>();
        for (var i = 0; i < owned.Count; i++)
        {
            var shardId = owned[i];
            handedSessions.AddRange(_runner.RunningGuildIds.Where(g => _shards.ShardIdOf(unchecked((ulong)g)) == shardId));
            try
            {
                if (standbys.GetValueOrDefault(shardId) is { } standby)
                {
                    // The standby identifies within a poll of the handover: hand it over when the calls are at a pause.
                    await WaitForPauseAsync(shardId, cancellationToken).ConfigureAwait(false);
                    await HandOverAsync(shardId, standby, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await HandOverAsync(shardId, targets[i % targets.Count], cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPassFailed(_logger, ex);
            }
        }

        // The receivers' identifies end this side's voice and take the sessions' grains: each session here ends quietly.
        var deadline = _time.GetUtcNow() + _options.HandoverTimeout;
        while (handedSessions.Any(_runner.IsRunning) && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits, bounded by <see cref="ShardLeaseOptions.PauseWait"/>, until every call of the shard is at a pause at once
    /// (<see cref="Bridge.StreamingBridge.IsAtPause"/>). Polled at the handoff poll: the pause after a sentence lasts
    /// about as long as the model takes to start answering.
    /// </summary>
    private async Task WaitForPauseAsync(int shardId, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var guilds = _runner.RunningGuildIds.Where(g => _shards.ShardIdOf(unchecked((ulong)g)) == shardId).ToList();
        while (true)
        {
            // The model's audio is held during the check, and stays held when it finds the pause (the handover silences
            // it next): an answer arriving between the check and the handover would otherwise start here, be cut by the
            // handover and be heard again from the receiver (a gap of a second and more in the answer).
            foreach (var guild in guilds)
            {
                _runner.HoldModelAudio(guild);
            }

            var notAtPause = guilds.Count(g => !_runner.IsAtPause(g, PauseSilence, IdleSilence));
            if (notAtPause == 0)
            {
                LogPause(_logger, shardId, guilds.Count, _time.GetElapsedTime(started).TotalMilliseconds);
                return;
            }

            foreach (var guild in guilds)
            {
                _runner.ReleaseModelAudio(guild);
            }

            if (_time.GetElapsedTime(started) >= _options.PauseWait)
            {
                LogNoPause(_logger, shardId, notAtPause, _options.PauseWait);
                return;
            }

            await Task.Delay(HandoffPoll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void MarkSessionsHandedOver(int shardId)
    {
        foreach (var guildId in _runner.RunningGuildIds.Where(g => _shards.ShardIdOf(unchecked((ulong)g)) == shardId))
        {
            _runner.MarkHandedOver(guildId);
        }
    }

    private void OnSessionStarted(long guildId) => _ = TrackSessionAsync(guildId, started: true);

    private void OnSessionEnded(long guildId, SessionEnding ending)
    {
        // A session taken over lives on at another process, which keeps it in the shard's list.
        if (ending.Record != SessionEndRecord.None)
        {
            _ = TrackSessionAsync(guildId, started: false);
        }
    }

    private async Task TrackSessionAsync(long guildId, bool started)
    {
        try
        {
            var lease = Lease(_shards.ShardIdOf(unchecked((ulong)guildId)));
            await (started ? lease.AddSessionAsync(guildId) : lease.RemoveSessionAsync(guildId)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogRejoinFailed(_logger, guildId, "the shard's session list could not be updated: " + ex.Message);
        }
    }

    private void Record(ShardEvent change)
    {
        _timeline.Enqueue(change);
        LogChange(_logger, change.ShardId, change.Change, change.Peer, change.GuildId);
        try
        {
            Changed?.Invoke(change);
        }
#pragma warning disable CA1031 // A subscriber's bug must not stop the ownership pass.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPassFailed(_logger, ex);
        }
    }

    [LoggerMessage(901, LogLevel.Information, "Shard {ShardId}: {Change} (peer {Peer}, guild {GuildId})")]
    private static partial void LogChange(ILogger logger, int shardId, ShardChange change, string? peer, long? guildId);

    [LoggerMessage(902, LogLevel.Information, "Shard {ShardId} is held by gateway {Owner}; asked for it back")]
    private static partial void LogShardHeld(ILogger logger, int shardId, string? owner);

    [LoggerMessage(903, LogLevel.Warning, "Shard {ShardId}: lease renewal failed ({Reason}); the shard stays here")]
    private static partial void LogRenewalFailed(ILogger logger, int shardId, string reason);

    [LoggerMessage(904, LogLevel.Warning, "Shard {ShardId}: now held by gateway {Owner}; stopped here")]
    private static partial void LogShardLost(ILogger logger, int shardId, string? owner);

    [LoggerMessage(905, LogLevel.Warning, "Shard {ShardId}: could not be started here ({Reason}); lease released")]
    private static partial void LogShardStartFailed(ILogger logger, int shardId, string reason);

    [LoggerMessage(906, LogLevel.Warning, "Guild {GuildId}: session not taken over: {Reason}")]
    private static partial void LogRejoinFailed(ILogger logger, long guildId, string reason);

    [LoggerMessage(907, LogLevel.Information, "Shard {ShardId}: handed over to gateway {Receiver}")]
    private static partial void LogHandedOver(ILogger logger, int shardId, string receiver);

    [LoggerMessage(908, LogLevel.Information, "No other gateway holds a shard: {Count} shards and their sessions end with this process")]
    private static partial void LogNoReceiver(ILogger logger, int count);

    [LoggerMessage(910, LogLevel.Warning, "Guild {GuildId}: the previous gateway left nothing to carry the conversation on within {Timeout}; resuming from the stored handle")]
    private static partial void LogNoHandoff(ILogger logger, long guildId, TimeSpan timeout);

    [LoggerMessage(911, LogLevel.Information, "Shard {ShardId}: its {Calls} calls at a pause after {WaitedMs:0} ms; handing it to the standby")]
    private static partial void LogPause(ILogger logger, int shardId, int calls, double waitedMs);

    [LoggerMessage(912, LogLevel.Warning, "Shard {ShardId}: {Talking} calls still talking after {Wait}; handing it to the standby anyway (words said while the bot is out of those calls are lost)")]
    private static partial void LogNoPause(ILogger logger, int shardId, int talking, TimeSpan wait);

    [LoggerMessage(909, LogLevel.Warning, "Shard ownership pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
