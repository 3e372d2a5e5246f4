using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Hosting;

/// <summary>Announces the gateway once it can reach the cluster.</summary>
public sealed class GatewayLifetimeService(
    IClusterClient cluster, IOptions<GatewayOptions> options, ILogger<GatewayLifetimeService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Touching the grain factory proves the client is usable; it throws if the cluster is unreachable.
        _ = cluster.GetGrain<Chorus.Grains.Settings.IGuildSettingsGrain>(0);
        logger.LogInformation("Gateway {GatewayId} connected to the cluster", options.Value.Id);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Gateway {GatewayId} stopping", options.Value.Id);
        return Task.CompletedTask;
    }
}
