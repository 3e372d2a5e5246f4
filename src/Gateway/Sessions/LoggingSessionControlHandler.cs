using Chorus.Grains.Settings;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>The handler used until a voice bridge registers its own: it records what arrived.</summary>
public sealed class LoggingSessionControlHandler(ILogger<LoggingSessionControlHandler> logger) : ISessionControlHandler
{
    public Task LeaveRequestedAsync(long guildId, string reason, CancellationToken cancellationToken)
    {
        logger.LogInformation("Guild {GuildId}: leave requested ({Reason})", guildId, reason);
        return Task.CompletedTask;
    }

    public Task SettingsChangedAsync(long guildId, GuildSettings settings, CancellationToken cancellationToken)
    {
        logger.LogInformation("Guild {GuildId}: settings changed (version {Version})", guildId, settings.Version);
        return Task.CompletedTask;
    }

    public Task LeaseLostAsync(long guildId, string? reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Guild {GuildId}: session lease lost ({Reason})", guildId, reason);
        return Task.CompletedTask;
    }
}
