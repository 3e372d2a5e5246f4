namespace Chorus.TestSupport;

/// <summary>
/// The system clock, counting the timers created through it that are still alive (not disposed), so a test can
/// show that a component it tore down left no timer running.
/// </summary>
public sealed class TimerCensus : TimeProvider
{
    private int _created;
    private int _alive;

    public int Created => Volatile.Read(ref _created);

    public int Alive => Volatile.Read(ref _alive);

    public override long GetTimestamp() => System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _created);
        Interlocked.Increment(ref _alive);
        return new CountedTimer(this, System.CreateTimer(callback, state, dueTime, period));
    }

    private sealed class CountedTimer(TimerCensus census, ITimer inner) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref census._alive);
            }

            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
