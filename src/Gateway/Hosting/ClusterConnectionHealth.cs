using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Readiness of the gateway's link to the Orleans cluster: waiting until the cluster client has connected (the gateway
/// announces it), then ready unless Orleans reports the connection lost, until a gateway silo answers again.
/// </summary>
public sealed class ClusterConnectionHealth : IClusterConnectionStatusObserver, IHealthCheck
{
    private const int Waiting = 0;
    private const int Connected = 1;
    private const int Lost = 2;

    private readonly string _where;
    private int _state;

    /// <param name="configuration">Where the client looks for silos and with which ids, for the "waiting for" text.</param>
    public ClusterConnectionHealth(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _where = $"{ClusterConnectionRetry.Where(configuration)}, ServiceId {configuration["Orleans:ServiceId"]}, ClusterId {configuration["Orleans:ClusterId"]}";
    }

    public bool IsConnected => Volatile.Read(ref _state) == Connected;

    /// <summary>The cluster client finished connecting (the hosted services after it are starting).</summary>
    public void MarkConnected() => Volatile.Write(ref _state, Connected);

    public void NotifyClusterConnectionLost() => Volatile.Write(ref _state, Lost);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways > 0)
        {
            Interlocked.CompareExchange(ref _state, Connected, Lost);
        }
        else
        {
            Interlocked.CompareExchange(ref _state, Lost, Connected);
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Volatile.Read(ref _state) switch
        {
            Connected => HealthCheckResult.Healthy(),
            // Degraded, not Unhealthy: waiting is expected, and the health service logs each Unhealthy result as an error.
            Lost => HealthCheckResult.Degraded("lost the connection to the Orleans cluster; reconnecting to " + _where),
            _ => HealthCheckResult.Degraded("waiting for the Orleans cluster at " + _where),
        });
}
