using Chorus.Discord.Voice;
using Chorus.Gateway.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Readiness of the running conversations' voice: each one's voice connection Ready (UDP socket bound, session
/// described, audio flows). Healthy with no conversation running. Degraded while one connects or resumes.
/// </summary>
public sealed class VoiceHealthCheck(VoiceSessionRunner runner) : IHealthCheck
{
    /// <summary>Guilds named in the description at most; the count says how many more.</summary>
    private const int NamedAtMost = 5;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = runner.VoiceStates();
        var waiting = states.Where(s => s.State != VoiceConnectionState.Ready).ToList();
        if (waiting.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{states.Count} conversation(s), voice UDP bound"));
        }

        var named = string.Join(", ", waiting.Take(NamedAtMost).Select(s => $"guild {s.GuildId} {s.State}"));
        var more = waiting.Count > NamedAtMost ? $" and {waiting.Count - NamedAtMost} more" : "";
        return Task.FromResult(HealthCheckResult.Degraded(
            $"waiting for the voice connection of {waiting.Count} of {states.Count} conversation(s) to be ready (UDP bound): {named}{more}"));
    }
}
