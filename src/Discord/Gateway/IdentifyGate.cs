namespace Chorus.Discord.Gateway;

/// <summary>
/// Discord's identify concurrency: shards share a bucket <c>shard_id % max_concurrency</c>, and each bucket admits
/// one identify per 5 seconds. One gate is shared by all shards of a process.
/// </summary>
public sealed class IdentifyGate : IIdentifyGate
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim[] _buckets;
    private readonly long[] _lastIdentify;

    /// <summary>A gate with <paramref name="maxConcurrency"/> buckets.</summary>
    /// <param name="maxConcurrency">Discord's <c>max_concurrency</c> from GET /gateway/bot; at least 1.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <param name="interval">Time between identifies in one bucket; 5 s when null.</param>
    public IdentifyGate(int maxConcurrency = 1, TimeProvider? time = null, TimeSpan? interval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _time = time ?? TimeProvider.System;
        _interval = interval ?? TimeSpan.FromSeconds(5);
        _buckets = new SemaphoreSlim[maxConcurrency];
        _lastIdentify = new long[maxConcurrency];
        for (var i = 0; i < maxConcurrency; i++)
        {
            _buckets[i] = new SemaphoreSlim(1, 1);
            _lastIdentify[i] = long.MinValue;
        }
    }

    /// <summary>The number of buckets.</summary>
    public int MaxConcurrency => _buckets.Length;

    internal int BucketOf(int shardId) => shardId % _buckets.Length;

    /// <summary>Waits until shard <paramref name="shardId"/> may identify; the interval of its bucket counts from this call's return.</summary>
    public async ValueTask WaitAsync(int shardId, CancellationToken cancellationToken)
    {
        var bucket = BucketOf(shardId);
        await _buckets[bucket].WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastIdentify[bucket] != long.MinValue)
            {
                var remaining = _interval - _time.GetElapsedTime(_lastIdentify[bucket]);
                if (remaining > TimeSpan.Zero)
                {
                    await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
                }
            }

            _lastIdentify[bucket] = _time.GetTimestamp();
        }
        finally
        {
            _buckets[bucket].Release();
        }
    }
}
