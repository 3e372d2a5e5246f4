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
/// Keeps the leases of the voice sessions this gateway runs, and is the observer through which
/// their grains reach it. Every renewal hands the grain the observer again, because a grain that
/// reactivated elsewhere (a silo died) has forgotten it. Pushes are queued and handled off the
/// grain's turn: the session grain is not reentrant, so calling back into it from inside a push
/// would wait on itself.
/// </summary>
public sealed class SessionLeaseKeeper : BackgroundService, IVoiceSessionObserver
{
    private readonly IClusterClient _cluster;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionLeaseKeeper> _logger;
    private readonly string _gatewayId;
    private readonly TimeSpan _renewalInterval;
    private readonly ConcurrentDictionary<long, byte> _tracked = new();
    private readonly Channel<SessionControlMessage> _inbox = Channel.CreateUnbounded<SessionControlMessage>(
        new UnboundedChannelOptions { SingleReader = true });
    private IVoiceSessionObserver? _reference;

    public SessionLeaseKeeper(
        IClusterClient cluster, ISessionControlHandler? handler, IOptions<GatewayOptions> gateway,
        IOptions<VoiceSessionOptions> sessions, TimeProvider time, ILogger<SessionLeaseKeeper> logger)
    {
        _cluster = cluster;
        Handler = handler ?? new LoggingSessionControlHandler(Microsoft.Extensions.Logging.Abstractions.NullLogger<LoggingSessionControlHandler>.Instance);
        _time = time;
        _logger = logger;
        _gatewayId = gateway.Value.Id;
        _renewalInterval = sessions.Value.RenewalInterval;
    }

    public string GatewayId => _gatewayId;

    /// <summary>
    /// Who acts on pushes. Settable because the session runner both uses this keeper and handles its
    /// pushes; it installs itself here when it is created.
    /// </summary>
    public ISessionControlHandler Handler { get; set; }

    /// <summary>Raised after each renewal attempt, with the grain's answer (null when the call failed).</summary>
    public event Action<long, LeaseResult?>? Renewed;

    public IReadOnlyCollection<long> TrackedGuilds => _tracked.Keys.ToArray();

    /// <summary>Starts keeping a session's lease; renews it at once so the grain learns the observer now.</summary>
    public async Task<LeaseResult> TrackAsync(long guildId, CancellationToken cancellationToken = default)
    {
        _tracked[guildId] = 0;
        var result = await RenewAsync(guildId).ConfigureAwait(false);
        return result ?? new LeaseResult(false, null, VoiceSessionState.Idle, "The cluster did not answer.");
    }

    public void Untrack(long guildId) => _tracked.TryRemove(guildId, out _);

    /// <summary>One renewal pass over every tracked session (the timer's work; callable on demand).</summary>
    public async Task RenewAllAsync()
    {
        foreach (var guildId in _tracked.Keys)
        {
            await RenewAsync(guildId).ConfigureAwait(false);
        }
    }

    Task IVoiceSessionObserver.OnLeaveRequestedAsync(long guildId, string reason) =>
        _inbox.Writer.WriteAsync(new SessionControlMessage.Leave(guildId, reason)).AsTask();

    Task IVoiceSessionObserver.OnSettingsChangedAsync(long guildId, GuildSettings settings) =>
        _inbox.Writer.WriteAsync(new SessionControlMessage.Settings(guildId, settings)).AsTask();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatch = DispatchAsync(stoppingToken);
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
        await dispatch.ConfigureAwait(false);
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
                _logger.LogWarning("Guild {GuildId}: lease lost ({Reason})", guildId, result.Error);
                await _inbox.Writer.WriteAsync(new SessionControlMessage.LeaseLost(guildId, result.Error)).ConfigureAwait(false);
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

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in _inbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                switch (message)
                {
                    case SessionControlMessage.Leave leave:
                        Untrack(leave.GuildId);
                        await Handler.LeaveRequestedAsync(leave.GuildId, leave.Reason, stoppingToken).ConfigureAwait(false);
                        break;
                    case SessionControlMessage.Settings settings:
                        await Handler.SettingsChangedAsync(settings.GuildId, settings.Value, stoppingToken).ConfigureAwait(false);
                        break;
                    case SessionControlMessage.LeaseLost lost:
                        await Handler.LeaseLostAsync(lost.GuildId, lost.Reason, stoppingToken).ConfigureAwait(false);
                        break;
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Guild {GuildId}: handling {Message} failed", message.GuildId, message.GetType().Name);
            }
        }
    }
}
