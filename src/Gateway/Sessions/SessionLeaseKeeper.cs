using System.Collections.Concurrent;
using System.Threading.Channels;
using Chorus.Gateway.Hosting;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// Keeps the leases of the voice sessions this gateway process runs, and is the observer through which their grains
/// reach it. Every renewal hands the grain the observer again, because a grain that reactivated elsewhere (a silo
/// died) has forgotten it. Pushes (and leases found lost) are queued on <see cref="Messages"/> and acted on off the
/// grain's turn by <see cref="SessionControlDispatcher"/>: the session grain is not reentrant, so calling back into it
/// from inside a push would wait on itself. The keeper knows nothing of who acts on them, so the runner can use it
/// without the two depending on each other.
/// </summary>
public sealed class SessionLeaseKeeper : BackgroundService, IVoiceSessionObserver
{
    private readonly IClusterClient _cluster;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionLeaseKeeper> _logger;
    private readonly string _gatewayId;
    private readonly TimeSpan _renewalInterval;
    private readonly ConcurrentDictionary<long, byte> _tracked = new();
    private readonly ConcurrentDictionary<long, byte> _handedOver = new();
    private readonly Channel<SessionControlMessage> _inbox = Channel.CreateUnbounded<SessionControlMessage>(
        new UnboundedChannelOptions { SingleReader = true });
    private IVoiceSessionObserver? _reference;

    public SessionLeaseKeeper(
        IClusterClient cluster, IOptions<GatewayOptions> gateway, IOptions<VoiceSessionOptions> sessions, TimeProvider time,
        ILogger<SessionLeaseKeeper> logger)
    {
        _cluster = cluster;
        _time = time;
        _logger = logger;
        _gatewayId = gateway.Value.Id;
        _renewalInterval = sessions.Value.RenewalInterval;
    }

    /// <summary>This gateway process's id: the name its leases are held in.</summary>
    public string GatewayId => _gatewayId;

    /// <summary>Raised after each renewal attempt, with the grain's answer (null when the call failed).</summary>
    public event Action<long, LeaseResult?>? Renewed;

    /// <summary>What the grains pushed and which leases were lost, in arrival order; completes when the keeper stops.</summary>
    internal ChannelReader<SessionControlMessage> Messages => _inbox.Reader;

    public IReadOnlyCollection<long> TrackedGuilds => _tracked.Keys.ToArray();

    /// <summary>Starts keeping a session's lease; renews it at once so the grain learns the observer now.</summary>
    public async Task<LeaseResult> TrackAsync(long guildId, CancellationToken cancellationToken = default)
    {
        _tracked[guildId] = 0;
        var result = await RenewAsync(guildId).ConfigureAwait(false);
        return result ?? new LeaseResult(false, null, VoiceSessionState.Idle, "The cluster did not answer.");
    }

    public void Untrack(long guildId)
    {
        _tracked.TryRemove(guildId, out _);
        _handedOver.TryRemove(guildId, out _);
    }

    /// <summary>
    /// The session is being handed to another gateway process: its lease found held there is the handover completing,
    /// not a fault, and is logged as such (every rolling restart does it).
    /// </summary>
    public void MarkHandedOver(long guildId)
    {
        if (_tracked.ContainsKey(guildId))
        {
            _handedOver[guildId] = 0;
        }
    }

    /// <summary>One renewal pass over every tracked session (the timer's work; callable on demand).</summary>
    public async Task RenewAllAsync()
    {
        foreach (var guildId in _tracked.Keys)
        {
            await RenewAsync(guildId).ConfigureAwait(false);
        }
    }

    Task IVoiceSessionObserver.OnLeaveRequestedAsync(long guildId, string reason)
    {
        // The inbox is unbounded: a write fails only once the keeper has stopped, when nothing here runs sessions.
        _inbox.Writer.TryWrite(new SessionControlMessage.Leave(guildId, reason));
        return Task.CompletedTask;
    }

    Task IVoiceSessionObserver.OnSettingsChangedAsync(long guildId, GuildSettings settings)
    {
        _inbox.Writer.TryWrite(new SessionControlMessage.Settings(guildId, settings));
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_renewalInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RenewAllAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _inbox.Writer.TryComplete();
        ReleaseReference();
    }

    public override void Dispose()
    {
        ReleaseReference();
        base.Dispose();
    }

    private void ReleaseReference()
    {
        if (Interlocked.Exchange(ref _reference, null) is not { } reference)
        {
            return;
        }

        try
        {
            _cluster.DeleteObjectReference<IVoiceSessionObserver>(reference);
        }
        catch (Exception ex) when (ex is ArgumentException or ObjectDisposedException or InvalidOperationException)
        {
            // The client already shut down (host stop order) and took its observer table with it.
        }
    }

    private async Task<LeaseResult?> RenewAsync(long guildId)
    {
        LeaseResult? result = null;
        try
        {
            _reference ??= _cluster.CreateObjectReference<IVoiceSessionObserver>(this);
            result = await _cluster.GetGrain<IVoiceSessionGrain>(guildId).RenewLeaseAsync(_gatewayId, _reference).ConfigureAwait(false);
            if (!result.Owned && _tracked.TryRemove(guildId, out _))
            {
                if (_handedOver.TryRemove(guildId, out _))
                {
                    _logger.LogInformation("Guild {GuildId}: session handed over ({Reason})", guildId, result.Error);
                }
                else
                {
                    _logger.LogWarning("Guild {GuildId}: lease lost ({Reason})", guildId, result.Error);
                }

                _inbox.Writer.TryWrite(new SessionControlMessage.LeaseLost(guildId, result.Error));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A silo failover makes calls fail for ~15 s; the 45 s lease outlasts that, so keep trying.
            _logger.LogWarning(ex, "Guild {GuildId}: lease renewal failed; retrying in {Interval}", guildId, _renewalInterval);
        }
        Renewed?.Invoke(guildId, result);
        return result;
    }
}
