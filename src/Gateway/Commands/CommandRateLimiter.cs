namespace Chorus.Gateway.Commands;

/// <summary>
/// Per-user, per-guild command limits: a token bucket for each (guild, user) that starts with
/// <see cref="CommandOptions.RateLimitBurst"/> commands and gets one back every <see cref="CommandOptions.RateLimitPeriod"/>.
/// The buckets follow <see cref="TimeProvider"/>, the process's one clock, so tests move it. (System.Threading.RateLimiting's
/// TokenBucketRateLimiter cannot: it reads Stopwatch itself, through its timer or, replenished by hand, for the tokens it
/// adds.) A bucket that has been full again for a while is forgotten, so memory
/// follows the users active in the last few periods, not every user ever seen.
/// </summary>
public sealed class CommandRateLimiter
{
    private readonly int _burst;
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _lock = new();
    private readonly Dictionary<(ulong Guild, ulong User), Bucket> _buckets = [];
    private TimeSpan _lastSweep;

    public CommandRateLimiter(int burst, TimeSpan period, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        _burst = burst;
        _period = period;
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>How many users' buckets are held (tests: memory is bounded).</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes one command from the user's bucket: null when allowed, else how long until the next one is.</summary>
    public TimeSpan? TryAcquire(ulong guildId, ulong userId)
    {
        if (_burst == 0)
        {
            return null;
        }

        var now = _time.GetElapsedTime(_origin);
        lock (_lock)
        {
            Sweep(now);
            if (!_buckets.TryGetValue((guildId, userId), out var bucket))
            {
                bucket = new Bucket(_burst, now);
                _buckets[(guildId, userId)] = bucket;
            }

            bucket.Refill(now, _period, _burst);
            bucket.LastUsed = now;
            if (bucket.Tokens > 0)
            {
                bucket.Tokens--;
                return null;
            }

            return bucket.RefilledAt + _period - now;
        }
    }

    /// <summary>Forgets the buckets that are full again (unused for the whole refill time); at most once per refill time.</summary>
    private void Sweep(TimeSpan now)
    {
        var refillTime = _period * _burst;
        if (now - _lastSweep < refillTime)
        {
            return;
        }

        _lastSweep = now;
        foreach (var key in _buckets.Where(b => now - b.Value.LastUsed >= refillTime).Select(b => b.Key).ToList())
        {
            _buckets.Remove(key);
        }
    }

    private sealed class Bucket(int tokens, TimeSpan createdAt)
    {
        public int Tokens { get; set; } = tokens;

        /// <summary>The start of the current period: the next token comes one period after it.</summary>
        public TimeSpan RefilledAt { get; private set; } = createdAt;

        public TimeSpan LastUsed { get; set; } = createdAt;

        /// <summary>One token per whole period since the last refill (no more than the bucket holds).</summary>
        public void Refill(TimeSpan now, TimeSpan period, int burst)
        {
            var periods = (long)((now - RefilledAt) / period);
            if (periods <= 0)
            {
                return;
            }

            Tokens = (int)Math.Min(burst, Tokens + periods);
            RefilledAt += period * periods;
        }
    }
}
