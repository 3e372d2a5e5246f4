using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Grains.Usage;

/// <summary>
/// Holds the slots in memory only: after a restart of this activation the session grains take theirs back with their
/// next lease renewal (within one renewal interval), so nothing needs persisting, and a slot can never outlive the
/// lease it mirrors.
/// </summary>
[GrainType("session-admission")]
public sealed class SessionAdmissionGrain(IOptions<UsageOptions> options, TimeProvider time, ILogger<SessionAdmissionGrain> logger)
    : Grain, ISessionAdmissionGrain
{
    private readonly Dictionary<long, DateTimeOffset> _slots = [];

    public Task<Admission> TryAdmitAsync(long guildId, DateTimeOffset until)
    {
        Expire();
        var cap = options.Value.MaxConcurrentSessions;
        if (!_slots.ContainsKey(guildId) && cap is { } max && _slots.Count >= max)
        {
            logger.LogWarning("Guild {GuildId}: refused, all {Cap} Gemini session slots are in use", guildId, max);
            return Task.FromResult(new Admission(false, _slots.Count, cap));
        }

        _slots[guildId] = until;
        return Task.FromResult(new Admission(true, _slots.Count, cap));
    }

    public Task RenewAsync(long guildId, DateTimeOffset until)
    {
        _slots[guildId] = until;
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(long guildId)
    {
        _slots.Remove(guildId);
        return Task.CompletedTask;
    }

    public Task<Admission> GetAsync()
    {
        var now = time.GetUtcNow();
        return Task.FromResult(new Admission(false, _slots.Count(s => s.Value > now), options.Value.MaxConcurrentSessions));
    }

    private void Expire()
    {
        var now = time.GetUtcNow();
        foreach (var (guildId, until) in _slots.Where(s => s.Value <= now).ToList())
        {
            logger.LogInformation("Guild {GuildId}: Gemini session slot lapsed (lease ended {Until:u} without renewal)", guildId, until);
            _slots.Remove(guildId);
        }
    }
}
