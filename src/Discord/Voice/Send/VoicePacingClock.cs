using System.Diagnostics;

namespace Chorus.Discord.Voice.Send;

/// <summary>
/// One thread that ticks every 20 ms against absolute deadlines (start + n·20 ms), so lateness of one tick never
/// accumulates. It sleeps until shortly before the deadline and spins the rest. One clock can drive many senders:
/// with more than a few, each tick's work (an Opus encode per speaking sender, about half a millisecond) is shared
/// with one worker thread per extra core, so a hundred conversations do not queue behind one thread.
/// </summary>
public sealed class VoicePacingClock : IDisposable
{
    private static readonly Lazy<VoicePacingClock> SharedClock = new(() => new VoicePacingClock());
    private readonly Lock _gate = new();
    private readonly Thread _thread;
    private readonly long _period;
    private readonly long _spinWindow;
    private volatile IPacedSender[] _senders = [];
    private volatile bool _stopping;
    private readonly TickWorker[] _workers;
    private readonly CountdownEvent _tickDone = new(1);
    private IPacedSender[] _tickSenders = [];
    private long _tickDeadline;
    private long _ticks;
    private long _resyncs;

    /// <summary>Below this many senders a tick runs on the clock thread alone (waking workers costs more).</summary>
    public const int ParallelThreshold = 8;

    public VoicePacingClock(TimeSpan? period = null, TimeSpan? spinWindow = null)
    {
        _period = (long)((period ?? TimeSpan.FromMilliseconds(Opus.OpusFormat.FrameMilliseconds)).TotalSeconds * Stopwatch.Frequency);
        _spinWindow = (long)((spinWindow ?? TimeSpan.FromMilliseconds(1.5)).TotalSeconds * Stopwatch.Frequency);
        _workers = new TickWorker[Math.Max(0, Environment.ProcessorCount - 1)];
        for (var i = 0; i < _workers.Length; i++)
            _workers[i] = new TickWorker(this, i + 1, _workers.Length + 1);
        _thread = new Thread(Run) { IsBackground = true, Name = "voice-pacing", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>A process-wide clock for all voice connections.</summary>
    public static VoicePacingClock Shared => SharedClock.Value;

    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Times the clock fell more than a few periods behind and jumped to now instead of bursting.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Senders registered now: a connection torn down must leave none behind.</summary>
    public int SenderCount => _senders.Length;

    public void Register(IPacedSender sender)
    {
        lock (_gate)
            _senders = [.. _senders, sender];
    }

    public void Unregister(IPacedSender sender)
    {
        lock (_gate)
            _senders = [.. _senders.Where(s => !ReferenceEquals(s, sender))];
    }

    public void Dispose()
    {
        _stopping = true;
        if (Thread.CurrentThread != _thread)
            _thread.Join(TimeSpan.FromSeconds(1));
        foreach (var worker in _workers)
            worker.Stop();
    }

    private void Run()
    {
        long deadline = Stopwatch.GetTimestamp() + _period;
        while (!_stopping)
        {
            WaitUntil(deadline);
            if (_stopping)
                break;
            var senders = _senders;
            if (senders.Length < ParallelThreshold || _workers.Length == 0)
            {
                TickSlice(senders, deadline, 0, 1);
            }
            else
            {
                _tickSenders = senders;
                _tickDeadline = deadline;
                _tickDone.Reset(_workers.Length);
                foreach (var worker in _workers)
                    worker.Signal();
                TickSlice(senders, deadline, 0, _workers.Length + 1);
                _tickDone.Wait();
            }
            Interlocked.Increment(ref _ticks);
            deadline += _period;
            long now = Stopwatch.GetTimestamp();
            if (now - deadline > 3 * _period)
            {
                // After a long stall (GC, suspended VM) sending the backlog in a burst helps nobody.
                deadline = now + _period;
                Interlocked.Increment(ref _resyncs);
            }
        }
    }

    /// <summary>Every <paramref name="stride"/>-th sender from <paramref name="first"/>: interleaved so speaking senders spread evenly.</summary>
    private static void TickSlice(IPacedSender[] senders, long deadline, int first, int stride)
    {
        for (var i = first; i < senders.Length; i += stride)
        {
            try
            {
                senders[i].OnTick(deadline);
            }
#pragma warning disable CA1031 // One faulty sender must not stop the clock for the others.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void WaitUntil(long deadline)
    {
        while (true)
        {
            long remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
                return;
            if (remaining > _spinWindow)
            {
                int ms = (int)((remaining - _spinWindow) * 1000 / Stopwatch.Frequency);
                Thread.Sleep(Math.Max(ms, 1));
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
    }

    /// <summary>A thread that runs its share of a tick when the clock signals it.</summary>
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
                TickSlice(_clock._tickSenders, _clock._tickDeadline, _first, _stride);
                _clock._tickDone.Signal();
            }
        }
    }
}
