using Chorus.Discord.Gateway;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Readiness of the Discord side: the bot brought online (shards started, slash commands registered), then every shard
/// this process owns connected with a READY or RESUMED session. Degraded while waiting: expected at start and during a
/// reconnect, and the health service logs each Unhealthy result as an error.
/// </summary>
public sealed class DiscordHealthCheck(DiscordStartup startup, ShardSet shards) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (startup.WaitingFor is { } waiting)
        {
            return Task.FromResult(HealthCheckResult.Degraded("waiting for " + waiting));
        }

        var notReady = shards.ShardsNotReady;
        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(
                $"waiting for shard(s) {string.Join(", ", notReady)} of {shards.OwnedShardCount} to reconnect to the Discord gateway (READY or RESUMED)"));
    }
}
