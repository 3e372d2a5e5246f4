using System.Diagnostics;

namespace Chorus.Discord.Voice.Send;

/// <summary>
/// One thread that runs a <see cref="PacingSchedule"/>: each sender on its own 20 ms phase, which starts the moment
/// it wakes with audio, on absolute deadlines so that lateness never accumulates. The thread sleeps until the next
/// deadline (a deadline within the early window runs in the current pass rather than costing a wake-up) and blocks
/// outright while every sender is idle; it never spins. When many senders fall due in one pass, their work (an Opus
/// encode each) is shared with one worker thread per extra core.
/// </summary>
public sealed class VoicePacingClock : IDisposable
{
    private static readonly Lazy<VoicePacingClock> SharedClock = new(() => new VoicePacingClock());
    private readonly Thread _thread;
    private readonly PacingSchedule _schedule;
    private readonly AutoResetEvent _wake = new(false);
    private readonly TickWorker[] _workers;
    private readonly CountdownEvent _passDone = new(1);
    private volatile bool _stopping;
    private long _passNow;
    private long _wakeups;

    /// <summary>Below this many senders due in one pass the clock thread runs them alone (waking workers costs more).</summary>
    public const int ParallelThreshold = 8;

    /// <param name="period">The frame period (20 ms).</param>
    /// <param name="earlyWindow">How early a deadline may run to share a pass (default 0.5 ms). Thread sleeps on
    /// Linux overshoot by about 0.1 ms, so a frame leaves within about half a millisecond either side of its deadline.</param>
    public VoicePacingClock(TimeSpan? period = null, TimeSpan? earlyWindow = null)
    {
        long periodTicks = (long)((period ?? TimeSpan.FromMilliseconds(Opus.OpusFormat.FrameMilliseconds)).TotalSeconds * Stopwatch.Frequency);
        long early = (long)((earlyWindow ?? TimeSpan.FromMilliseconds(0.5)).TotalSeconds * Stopwatch.Frequency);
        _schedule = new PacingSchedule(periodTicks, early, () => _wake.Set());
        _workers = new TickWorker[Math.Max(0, Environment.ProcessorCount - 1)];
        for (var i = 0; i < _workers.Length; i++)
            _workers[i] = new TickWorker(this, i + 1, _workers.Length + 1);
        _thread = new Thread(Run) { IsBackground = true, Name = "voice-pacing", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>A process-wide clock for all voice connections.</summary>
    public static VoicePacingClock Shared => SharedClock.Value;

    /// <summary>Sender calls made.</summary>
    public long Ticks => _schedule.Calls;

    /// <summary>Times the clock thread woke up (to run senders, or to find a wake that was already served).</summary>
    public long Wakeups => Interlocked.Read(ref _wakeups);

    /// <summary>Times a sender fell more than a few periods behind and its phase restarted instead of bursting.</summary>
    public long Resyncs => _schedule.Resyncs;

    /// <summary>Adds a sender; it is called at once, then keeps its phase while it has something to send.</summary>
    public PacingSlot Register(IPacedSender sender) => _schedule.Add(sender);

    public void Unregister(IPacedSender sender) => _schedule.Remove(sender);

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (Thread.CurrentThread != _thread)
            _thread.Join(TimeSpan.FromSeconds(1));
        foreach (var worker in _workers)
            worker.Stop();
    }

    private void Run()
    {
        while (!_stopping)
        {
            long now = Stopwatch.GetTimestamp();
            int due = _schedule.CollectDue(now);
            if (due > 0)
            {
                if (due < ParallelThreshold || _workers.Length == 0)
                {
                    _schedule.RunDue(now, 0, 1);
                }
                else
                {
                    _passNow = now;
                    _passDone.Reset(_workers.Length);
                    foreach (var worker in _workers)
                        worker.Signal();
                    _schedule.RunDue(now, 0, _workers.Length + 1);
                    _passDone.Wait();
                }
                continue;
            }
            long next = _schedule.NextDeadline;
            if (next == long.MaxValue)
            {
                // Every sender is idle: nothing to do until one wakes.
                _wake.WaitOne();
            }
            else
            {
                long remaining = next - _schedule.EarlyWindow - now;
                _wake.WaitOne((int)Math.Clamp(remaining * 1000 / Stopwatch.Frequency, 1, int.MaxValue));
            }
            Interlocked.Increment(ref _wakeups);
        }
    }

    /// <summary>A thread that runs its share of a pass when the clock signals it.</summary>
    private sealed class TickWorker
    {
        private readonly VoicePacingClock _clock;
        private readonly int _first;
        private readonly int _stride;
        private readonly SemaphoreSlim _go = new(0);
        private volatile bool _stopping;

        public TickWorker(VoicePacingClock clock, int first, int stride)
        {
            _clock = clock;
            _first = first;
            _stride = stride;
            new Thread(Run) { IsBackground = true, Name = $"voice-pacing-{first}", Priority = ThreadPriority.AboveNormal }.Start();
        }

        public void Signal() => _go.Release();

        public void Stop()
        {
            _stopping = true;
            _go.Release();
        }

        private void Run()
        {
            while (true)
            {
                _go.Wait();
                if (_stopping)
                    return;
                _clock._schedule.RunDue(_clock._passNow, _first, _stride);
                _clock._passDone.Signal();
            }
        }
    }
}
