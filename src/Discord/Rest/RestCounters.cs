using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
namespace Chorus.Discord.Rest;

/// <summary>
/// What one REST client did: rate limits hit and waits. The per-client view of <see cref="DiscordMetrics"/>: a 429 is
/// counted here and on the instrument in one call. Readable from any thread.
/// </summary>
public sealed class RestCounters
{
    private readonly DiscordMetrics _metrics;
    private long _requests;
    private long _rateLimited;
    private long _globalRateLimited;
    private long _transientRetries;
    private long _bucketWaits;

    internal RestCounters(DiscordMetrics metrics) => _metrics = metrics;

    internal long Requests => Interlocked.Read(ref _requests);

    /// <summary>429 answers received (route or global).</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    internal long GlobalRateLimited => Interlocked.Read(ref _globalRateLimited);

    internal long TransientRetries => Interlocked.Read(ref _transientRetries);

    /// <summary>Times a request waited because its bucket was exhausted before sending.</summary>
    public long BucketWaits => Interlocked.Read(ref _bucketWaits);

    internal void Request() => Interlocked.Increment(ref _requests);

    internal void RateLimit(bool global)
    {
        _metrics.RestRateLimited.Count(ref _rateLimited, global ? MetricTag.GlobalScope : MetricTag.RouteScope);
        if (global)
        {
            Interlocked.Increment(ref _globalRateLimited);
        }
    }

    internal void TransientRetry() => Interlocked.Increment(ref _transientRetries);

    internal void BucketWait() => Interlocked.Increment(ref _bucketWaits);
}
