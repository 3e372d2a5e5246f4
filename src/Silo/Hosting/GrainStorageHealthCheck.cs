using Chorus.Grains;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Storage;

namespace Chorus.Silo.Hosting;

/// <summary>
/// Ready when the default grain storage (SQLite or Redis) answers a read of a record that never exists: the same path a
/// grain activation takes, for whichever provider is configured.
/// </summary>
public sealed class GrainStorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    private const string StateName = "chorus-health";

    /// <summary>Below the health probe's own timeout, so a hung store reads as "not ready", not as a dead process.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly GrainId Probe = GrainId.Create("chorus-health", "storage-probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetKeyedService<IGrainStorage>(GrainStorageNames.Default) is not { } storage)
        {
            return HealthCheckResult.Unhealthy($"no grain storage named {GrainStorageNames.Default} is configured");
        }

        try
        {
            await storage.ReadStateAsync(StateName, Probe, new GrainState<ProbeState>()).WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Degraded($"grain storage {GrainStorageNames.Default} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The type only: a provider's message may carry its connection string, and it is logged on every probe.
            return HealthCheckResult.Degraded($"grain storage {GrainStorageNames.Default} cannot be read ({e.GetType().Name})");
        }
    }

    /// <summary>The state type of the probe read; never written.</summary>
    public sealed class ProbeState;
}
