namespace Chorus.Emulators.Discord;

// The session-start budget of GET /gateway/bot is enforced, not only reported: each identify takes one start, the
// budget refills when its window ends, and an identify past it is treated as Discord treats it (the token is reset).
public sealed partial class DiscordEmulator
{
    private const int SessionStartTotal = 1000;
    private readonly Lock _sessionStartGate = new();
    private readonly Dictionary<int, TimeSpan> _lastIdentifyByBucket = [];
    private int _sessionStartsTaken;
    private long _sessionStartWindowIndex;

    /// <summary>True once a client identified with no session start left (Discord would have reset the token).</summary>
    public bool SessionStartBudgetOverrun { get; private set; }

    private int SessionStartsRemaining(out long resetAfterMs)
    {
        lock (_sessionStartGate)
        {
            var (remaining, resetAfter) = SessionStartWindow();
            resetAfterMs = (long)resetAfter.TotalMilliseconds;
            return remaining;
        }
    }

    /// <summary>Whether the shard's concurrency bucket admits an identify now; an admitted one starts the bucket's interval.</summary>
    private bool TryTakeIdentifySlot(int shardId)
    {
        if (Options.IdentifyInterval <= TimeSpan.Zero)
        {
            return true;
        }

        var bucket = shardId % Math.Max(1, Options.MaxConcurrency);
        lock (_sessionStartGate)
        {
            var now = Now;
            if (_lastIdentifyByBucket.TryGetValue(bucket, out var last) && now - last < Options.IdentifyInterval)
            {
                return false;
            }

            _lastIdentifyByBucket[bucket] = now;
            return true;
        }
    }

    private bool TryTakeSessionStart()
    {
        lock (_sessionStartGate)
        {
            if (SessionStartWindow().Remaining <= 0)
            {
                return false;
            }

            _sessionStartsTaken++;
            return true;
        }
    }

    // The first window ends Options.SessionStartResetAfterMs after the emulator started with Options.SessionStartRemaining
    // starts; each later window is a day with the full total.
    private (int Remaining, TimeSpan ResetAfter) SessionStartWindow()
    {
        var firstWindow = TimeSpan.FromMilliseconds(Options.SessionStartResetAfterMs);
        var now = Now;
        if (now < firstWindow)
        {
            return (Math.Max(0, Options.SessionStartRemaining - _sessionStartsTaken), firstWindow - now);
        }

        var day = TimeSpan.FromDays(1);
        var windowIndex = (long)((now - firstWindow) / day);
        var windowStart = firstWindow + (day * windowIndex);
        if (_sessionStartWindowIndex != windowIndex + 1)
        {
            _sessionStartWindowIndex = windowIndex + 1;
            _sessionStartsTaken = 0;
        }

        return (Math.Max(0, SessionStartTotal - _sessionStartsTaken), windowStart + day - now);
    }
}
