using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Gateway;

internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Information, "Shard {ShardId}: connecting ({Mode})")]
    public static partial void Connecting(ILogger logger, int shardId, string mode);

    [LoggerMessage(2, LogLevel.Warning, "Shard {ShardId}: connect failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, int shardId, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Shard {ShardId}: skipped a malformed gateway payload ({Reason})")]
    public static partial void Malformed(ILogger logger, int shardId, string reason);

    [LoggerMessage(4, LogLevel.Information, "Shard {ShardId}: skipped unknown opcode {Opcode}")]
    public static partial void UnknownOpcode(ILogger logger, int shardId, int opcode);

    [LoggerMessage(5, LogLevel.Debug, "Shard {ShardId}: skipped unknown event {EventName}")]
    public static partial void UnknownEvent(ILogger logger, int shardId, string eventName);

    [LoggerMessage(6, LogLevel.Information, "Shard {ShardId}: ready, session {SessionId}, {GuildCount} guilds")]
    public static partial void Ready(ILogger logger, int shardId, string sessionId, int guildCount);

    [LoggerMessage(7, LogLevel.Information, "Shard {ShardId}: resumed session {SessionId}")]
    public static partial void Resumed(ILogger logger, int shardId, string? sessionId);

    [LoggerMessage(8, LogLevel.Warning, "Shard {ShardId}: no heartbeat ACK since the last beat; zombie connection, reconnecting")]
    public static partial void Zombie(ILogger logger, int shardId);

    [LoggerMessage(9, LogLevel.Information, "Shard {ShardId}: connection ended ({Reason}); next: {Action}")]
    public static partial void ConnectionEnded(ILogger logger, int shardId, string reason, GatewayCloseAction action);

    [LoggerMessage(10, LogLevel.Error, "Shard {ShardId}: fatal close {CloseCode} ({Reason}); not reconnecting")]
    public static partial void Fatal(ILogger logger, int shardId, int closeCode, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Shard {ShardId}: an event handler for {EventName} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, int shardId, string eventName);

    [LoggerMessage(12, LogLevel.Information, "Shard {ShardId}: invalid session (resumable: {Resumable})")]
    public static partial void InvalidSession(ILogger logger, int shardId, bool resumable);

    [LoggerMessage(13, LogLevel.Information, "Shard {ShardId}: server requested a reconnect")]
    public static partial void ReconnectRequested(ILogger logger, int shardId);

    [LoggerMessage(14, LogLevel.Debug, "Shard {ShardId}: identifying")]
    public static partial void Identifying(ILogger logger, int shardId);
}
