using Chorus.Grains.Settings;

namespace Chorus.Gateway.Sessions;

/// <summary>What this gateway process does when the cluster tells it something about a session it runs.</summary>
public interface ISessionControlHandler
{
    Task LeaveRequestedAsync(long guildId, string reason, CancellationToken cancellationToken);

    Task SettingsChangedAsync(long guildId, GuildSettings settings, CancellationToken cancellationToken);

    /// <summary>Another gateway process holds the session now (this one was presumed dead): stop the local bridge.</summary>
    Task LeaseLostAsync(long guildId, string? reason, CancellationToken cancellationToken);
}
