namespace Chorus.Discord.Voice.Send;

/// <summary>
/// The pacing clock's bookkeeping, without a thread or a time source of its own: which senders are due at a given
/// instant and when the next one is. Each sender keeps its own phase: it becomes due the moment it wakes, then every
/// period after that on absolute deadlines, so the first frame of a talk spurt never waits for a shared tick, and
/// senders that started at different moments spread their work over the period.
/// </summary>
internal sealed class PacingSchedule
{
    private readonly Lock _gate = new();
    private readonly Action? _signal;
    private volatile PacingSlot[] _slots = [];
    private PacingSlot[] _due = [];
    private long _resyncs;
    private long _calls;
    private long _failedCalls;

    /// <param name="period">The frame period in ticks of the pacing clock's <see cref="TimeProvider"/>.</param>
    /// <param name="earlyWindow">A deadline this close to a pass runs in that pass, slightly early, rather than
    /// costing one more wake-up.</param>
    /// <param name="signal">Wakes whoever runs the passes when an idle sender wakes.</param>
    public PacingSchedule(long period, long earlyWindow, Action? signal = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        ArgumentOutOfRangeException.ThrowIfNegative(earlyWindow);
        Period = period;
        EarlyWindow = earlyWindow;
        _signal = signal;
    }

    public long Period { get; }

    public long EarlyWindow { get; }

    /// <summary>The earliest deadline not run by the latest <see cref="CollectDue"/> (<see cref="long.MaxValue"/>: all idle).</summary>
    public long NextDeadline { get; private set; } = long.MaxValue;

    /// <summary>Times a sender fell more than three periods behind and its phase restarted instead of bursting.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Sender calls made.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Sender calls that threw (the sender stays scheduled and is called again next period).</summary>
    public long FailedCalls => Interlocked.Read(ref _failedCalls);

    public int Count => _slots.Length;

    /// <summary>Adds a sender, due at the next pass; returns its slot (also handed to the sender).</summary>
    public PacingSlot Add(IPacedSender sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var slot = new PacingSlot(this, sender);
        lock (_gate)
        {
            _slots = [.. _slots, slot];
        }

        sender.AttachTo(slot);
        Signal();
        return slot;
    }

    public void Remove(IPacedSender sender)
    {
        bool removed;
        lock (_gate)
        {
            var slots = _slots;
            _slots = [.. slots.Where(s => !ReferenceEquals(s.Sender, sender))];
            removed = _slots.Length != slots.Length;
        }
        if (removed)
        {
            sender.AttachTo(null);
        }
    }

    /// <summary>
    /// Gathers the senders due at <paramref name="now"/>: active ones whose deadline is within the early window, and
    /// idle ones that woke (their phase starts now). Sets <see cref="NextDeadline"/> to the earliest of the others.
    /// Only one thread at a time may collect or run.
    /// </summary>
    public int CollectDue(long now)
    {
        var slots = _slots;
        if (_due.Length < slots.Length)
        {
            _due = new PacingSlot[slots.Length * 2];
        }

        var count = 0;
        var next = long.MaxValue;
        foreach (var slot in slots)
        {
            if (!slot.IsActive)
            {
                if (!slot.WakeRequested)
                {
                    continue;
                }

                slot.Activate(now);
            }
            if (slot.NextDeadline - now <= EarlyWindow)
            {
                _due[count++] = slot;
            }
            else if (slot.NextDeadline < next)
            {
                next = slot.NextDeadline;
            }
        }
        NextDeadline = next;
        return count;
    }

    /// <summary>Collects and runs everything due at <paramref name="now"/>; returns how many ran.</summary>
    public int RunDue(long now)
    {
        var count = CollectDue(now);
        var due = _due;
        for (var i = 0; i < count; i++)
        {
            Run(due[i], now);
            due[i] = null!;
        }
        return count;
    }

    internal void Signal() => _signal?.Invoke();

    private void Run(PacingSlot slot, long now)
    {
        slot.ConsumeWake();
        bool active;
        try
        {
            active = slot.Sender.OnTick(slot.NextDeadline);
        }
#pragma warning disable CA1031 // One faulty sender must not stop the clock for the others; it is tried again next period.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _failedCalls);
            active = true;
        }
        Interlocked.Increment(ref _calls);
        if (!active)
        {
            // A wake that raced this stays requested, and the next collection (right after this pass) sees it.
            slot.GoIdle();
            return;
        }
        var next = slot.NextDeadline + Period;
        if (now - next > 3 * Period)
        {
            // After a long stall (GC, suspended VM) sending the backlog in a burst helps nobody.
            next = now + Period;
            Interlocked.Increment(ref _resyncs);
        }
        slot.NextDeadline = next;
    }
}
