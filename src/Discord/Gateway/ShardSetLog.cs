using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Gateway;

internal static partial class ShardSetLog
{
    [LoggerMessage(401, LogLevel.Warning, "The daily identify budget has {Remaining} session starts left for {Shards} shards; waiting {Seconds} s for Discord to reset it")]
    public static partial void SessionStartLimitReached(ILogger logger, int remaining, int shards, long seconds);
}
