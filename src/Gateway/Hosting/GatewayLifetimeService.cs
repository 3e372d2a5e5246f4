using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Announces the gateway process once it can reach the cluster, sends the running conversations' counters to
/// their grains every renewal interval, and closes every conversation cleanly when the process stops.
/// </summary>
public sealed class GatewayLifetimeService(
    IClusterClient cluster, VoiceSessionRunner runner, IOptions<GatewayOptions> options, IOptions<VoiceSessionOptions> sessions,
    ClusterConnectionHealth health, TimeProvider time, ILogger<GatewayLifetimeService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // A grain reference is made locally and proves nothing. Asking the cluster for its active silos is one round trip
        // that fails when the cluster cannot be reached, so the line below is written only when the gateway can use it.
        var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken).ConfigureAwait(false);
        health.MarkConnected();
        logger.LogInformation("Gateway {GatewayId} connected to the cluster ({ActiveSilos} active silos)", options.Value.Id, silos.Count);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Gateway {GatewayId} stopping", options.Value.Id);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await runner.DisposeAsync().ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(sessions.Value.RenewalInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await runner.ReportStatsAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
