namespace Chorus.Discord.Voice.Send;

/// <summary>
/// Drives voice senders, each on its own 20 ms phase that starts the moment it wakes with audio, on absolute
/// deadlines so that lateness never accumulates. One thread per core, each running the <see cref="PacingSchedule"/>
/// of its share of the senders: a hundred conversations spread their Opus encodes over the cores as well as over
/// the period, and no sender waits for another thread's pass. A thread sleeps until its next deadline (one within
/// the early window runs in the current pass rather than costing a wake-up) and blocks outright while its senders
/// are idle; it never spins.
/// </summary>
public sealed class VoicePacingClock : IDisposable
{
    private static readonly Lazy<VoicePacingClock> SharedClock = new(() => new VoicePacingClock());
    private readonly Lock _gate = new();
    private readonly PacingThread[] _threads;

    /// <param name="period">The frame period (20 ms).</param>
    /// <param name="earlyWindow">How early a deadline may run to share a pass (default 0.5 ms). Timed waits on Linux
    /// overshoot by about 0.1 ms, so on an idle machine a frame leaves within about half a millisecond of its
    /// deadline either way.</param>
    /// <param name="threads">Pacing threads (default: one per core).</param>
    /// <param name="time">The clock deadlines are read from (default: the system clock). The threads still block in
    /// real time between passes, so a fake clock only changes what "now" reads, not when a thread wakes.</param>
    public VoicePacingClock(TimeSpan? period = null, TimeSpan? earlyWindow = null, int? threads = null, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        var periodTicks = (long)((period ?? TimeSpan.FromMilliseconds(Opus.OpusFormat.FrameMilliseconds)).TotalSeconds * Time.TimestampFrequency);
        var early = (long)((earlyWindow ?? TimeSpan.FromMilliseconds(0.5)).TotalSeconds * Time.TimestampFrequency);
        var count = threads ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _threads = new PacingThread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new PacingThread(Time, periodTicks, early, $"voice-pacing-{i}");
        }
    }

    /// <summary>A process-wide clock for all voice connections.</summary>
    public static VoicePacingClock Shared => SharedClock.Value;

    /// <summary>The clock deadlines are measured on; a sender stamps its frames with the same one.</summary>
    public TimeProvider Time { get; }

    /// <summary>Sender calls made.</summary>
    public long Ticks => _threads.Sum(t => t.Schedule.Calls);

    /// <summary>Sender calls that threw: each cost that sender one period, never the clock or the other senders.</summary>
    public long FailedTicks => _threads.Sum(t => t.Schedule.FailedCalls);

    /// <summary>Times a pacing thread woke up (to run senders, or after a wake already served).</summary>
    public long Wakeups => _threads.Sum(t => t.Wakeups);

    /// <summary>Pacing threads running at a raised scheduling priority (see <see cref="PacingThreadPriority"/>).</summary>
    public int RaisedThreads => _threads.Count(t => t.Raised);

    /// <summary>Senders registered now: a connection torn down must leave none behind.</summary>
    public int SenderCount => _threads.Sum(t => t.Schedule.Count);

    /// <summary>Times a sender fell more than a few periods behind and its phase restarted instead of bursting.</summary>
    public long Resyncs => _threads.Sum(t => t.Schedule.Resyncs);

    /// <summary>Adds a sender to the thread with the fewest; it is called at once, then keeps its phase while it has something to send.</summary>
    public PacingSlot Register(IPacedSender sender)
    {
        lock (_gate)
        {
            return _threads.MinBy(t => t.Schedule.Count)!.Schedule.Add(sender);
        }
    }

    internal void Unregister(IPacedSender sender)
    {
        lock (_gate)
        {
            foreach (var thread in _threads)
            {
                thread.Schedule.Remove(sender);
            }
        }
    }

    /// <summary>Stops the clock's thread; registered senders are no longer paced.</summary>
    public void Dispose()
    {
        foreach (var thread in _threads)
        {
            thread.Stop();
        }
    }

    /// <summary>One thread running one schedule.</summary>
    private sealed class PacingThread
    {
        private readonly AutoResetEvent _wake = new(false);
        private readonly Thread _thread;
        private readonly TimeProvider _time;
        private volatile bool _stopping;
        private long _wakeups;

        public PacingThread(TimeProvider time, long period, long earlyWindow, string name)
        {
            _time = time;
            Schedule = new PacingSchedule(period, earlyWindow, () => _wake.Set());
            _thread = new Thread(Run) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }

        public PacingSchedule Schedule { get; }

        public long Wakeups => Interlocked.Read(ref _wakeups);

        public void Stop()
        {
            _stopping = true;
            _wake.Set();
            if (Thread.CurrentThread != _thread)
            {
                _thread.Join(TimeSpan.FromSeconds(1));
            }
        }

        /// <summary>Whether this thread runs at a raised nice value (Linux with CAP_SYS_NICE).</summary>
        public bool Raised { get; private set; }

        private void Run()
        {
            Raised = PacingThreadPriority.TryRaiseCurrentThread();
            while (!_stopping)
            {
                var now = _time.GetTimestamp();
                if (Schedule.RunDue(now) > 0)
                {
                    continue;
                }

                var next = Schedule.NextDeadline;
                if (next == long.MaxValue)
                {
                    // Every sender is idle: nothing to do until one wakes.
                    _wake.WaitOne();
                }
                else
                {
                    var remaining = next - Schedule.EarlyWindow - now;
                    _wake.WaitOne((int)Math.Clamp(remaining * 1000 / _time.TimestampFrequency, 1, int.MaxValue));
                }
                Interlocked.Increment(ref _wakeups);
            }
        }
    }
}
