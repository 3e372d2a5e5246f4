using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Gateway;

internal static partial class VoiceSignallingLog
{
    [LoggerMessage(201, LogLevel.Information, "Guild {GuildId}: voice server moved")]
    public static partial void ServerMoved(ILogger logger, ulong guildId);

    [LoggerMessage(202, LogLevel.Warning, "Guild {GuildId}: voice server went away (null endpoint); waiting for a new one")]
    public static partial void ServerLost(ILogger logger, ulong guildId);

    [LoggerMessage(203, LogLevel.Information, "Guild {GuildId}: the bot was disconnected from voice")]
    public static partial void Disconnected(ILogger logger, ulong guildId);

    [LoggerMessage(205, LogLevel.Information, "Guild {GuildId}: asking for a fresh voice session (op 4 again) to rejoin")]
    public static partial void Rejoining(ILogger logger, ulong guildId);

    [LoggerMessage(204, LogLevel.Warning, "A voice signalling event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
