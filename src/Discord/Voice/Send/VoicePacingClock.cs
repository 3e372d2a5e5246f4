using System.Diagnostics;

namespace Chorus.Discord.Voice.Send;

/// <summary>
/// One thread that ticks every 20 ms against absolute deadlines (start + n·20 ms), so lateness of one tick never
/// accumulates. It sleeps until shortly before the deadline and spins the rest. One clock can drive many senders.
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
    private long _ticks;
    private long _resyncs;

    public VoicePacingClock(TimeSpan? period = null, TimeSpan? spinWindow = null)
    {
        _period = (long)((period ?? TimeSpan.FromMilliseconds(Opus.OpusFormat.FrameMilliseconds)).TotalSeconds * Stopwatch.Frequency);
        _spinWindow = (long)((spinWindow ?? TimeSpan.FromMilliseconds(1.5)).TotalSeconds * Stopwatch.Frequency);
        _thread = new Thread(Run) { IsBackground = true, Name = "voice-pacing", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>A process-wide clock for all voice connections.</summary>
    public static VoicePacingClock Shared => SharedClock.Value;

    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Times the clock fell more than a few periods behind and jumped to now instead of bursting.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

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
    }

    private void Run()
    {
        long deadline = Stopwatch.GetTimestamp() + _period;
        while (!_stopping)
        {
            WaitUntil(deadline);
            if (_stopping)
                break;
            foreach (var sender in _senders)
            {
                try
                {
                    sender.OnTick(deadline);
                }
#pragma warning disable CA1031 // One faulty sender must not stop the clock for the others.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
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
}
