using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Rest;

internal static partial class RestLog
{
    [LoggerMessage(101, LogLevel.Warning, "REST {Route}: rate limited for {RetryAfterMs} ms (global: {Global})")]
    public static partial void RateLimited(ILogger logger, string route, long retryAfterMs, bool global);

    [LoggerMessage(102, LogLevel.Warning, "REST {Route}: transient failure ({Failure}), retry {Attempt}")]
    public static partial void TransientRetry(ILogger logger, string route, string failure, int attempt);

    [LoggerMessage(103, LogLevel.Debug, "REST {Route}: bucket exhausted, waiting {WaitMs} ms")]
    public static partial void BucketWait(ILogger logger, string route, long waitMs);

    [LoggerMessage(104, LogLevel.Warning, "REST {Route}: {Status} (code {Code})")]
    public static partial void Failed(ILogger logger, string route, int status, int? code);
}
