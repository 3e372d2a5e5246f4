using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;

namespace Chorus.Discord.Rest;

/// <summary>
/// Per-route buckets keyed by (bucket hash or route, major parameter), learned from X-RateLimit-* headers, plus the
/// global pause a global 429 imposes.
/// </summary>
internal sealed class RestRateLimiter
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, string> _routeToHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RestBucket> _buckets = new(StringComparer.Ordinal);
    private long _globalResumeAt;

    public RestRateLimiter(TimeProvider time)
    {
        _time = time;
    }

    public RestBucket GetBucket(string route, string majorParameter)
    {
        var key = (_routeToHash.TryGetValue(route, out var hash) ? hash : route) + "|" + majorParameter;
        return _buckets.GetOrAdd(key, static _ => new RestBucket());
    }

    public TimeSpan GlobalWait()
    {
        var resumeAt = Interlocked.Read(ref _globalResumeAt);
        if (resumeAt == 0)
        {
            return TimeSpan.Zero;
        }

        var remaining = -_time.GetElapsedTime(resumeAt);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public void PauseGlobal(TimeSpan duration) =>
        Interlocked.Exchange(ref _globalResumeAt, _time.GetTimestamp() + (long)(duration.TotalSeconds * _time.TimestampFrequency));

    public TimeSpan BucketWait(RestBucket bucket)
    {
        if (bucket.Remaining != 0 || bucket.ResetAt == 0)
        {
            return TimeSpan.Zero;
        }

        var remaining = -_time.GetElapsedTime(bucket.ResetAt);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    public void Block(RestBucket bucket, TimeSpan duration)
    {
        bucket.Remaining = 0;
        bucket.ResetAt = _time.GetTimestamp() + (long)(duration.TotalSeconds * _time.TimestampFrequency);
    }

    public void Update(string route, string majorParameter, RestBucket bucket, HttpResponseHeaders headers)
    {
        if (TryGetHeader(headers, "X-RateLimit-Bucket", out var hash) && hash.Length is > 0 and < 128)
        {
            if (!_routeToHash.TryGetValue(route, out var known) || known != hash)
            {
                _routeToHash[route] = hash;
                _buckets.TryAdd(hash + "|" + majorParameter, bucket);
            }
        }

        if (TryGetHeader(headers, "X-RateLimit-Remaining", out var remainingText)
            && int.TryParse(remainingText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
        {
            bucket.Remaining = Math.Max(0, remaining);
        }

        if (TryGetHeader(headers, "X-RateLimit-Reset-After", out var resetText)
            && double.TryParse(resetText, NumberStyles.Float, CultureInfo.InvariantCulture, out var resetAfter)
            && resetAfter is >= 0 and < 3600)
        {
            bucket.ResetAt = _time.GetTimestamp() + (long)(resetAfter * _time.TimestampFrequency);
        }
    }

    private static bool TryGetHeader(HttpResponseHeaders headers, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        return value is not null;
    }
}
