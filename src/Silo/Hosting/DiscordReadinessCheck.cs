using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chorus.Silo.Hosting;

/// <summary>
/// All-in-one readiness: not ready until the bot is online on Discord, saying what it still waits for. Degraded, not
/// Unhealthy: waiting is expected at start, and the health service logs each Unhealthy probe as an error.
/// /health answers 503 for it all the same (ChorusSiloApp).
/// </summary>
public sealed class DiscordReadinessCheck(DiscordStartup discord) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(discord.WaitingFor is { } waiting ? HealthCheckResult.Degraded("waiting for " + waiting) : HealthCheckResult.Healthy());
}
