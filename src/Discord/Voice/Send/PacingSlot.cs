namespace Chorus.Discord.Voice.Send;

/// <summary>
/// One sender's place on the pacing clock: whether it is active, its next deadline (its phase) and the wake-up
/// call that starts it again once it has audio. Deadlines are only touched by the clock; <see cref="Wake"/> may be
/// called from any thread and costs two memory reads while the sender is already active.
/// </summary>
public sealed class PacingSlot
{
    private readonly PacingSchedule _schedule;
    private int _active;
    private int _wakeRequested;

    internal PacingSlot(PacingSchedule schedule, IPacedSender sender)
    {
        _schedule = schedule;
        Sender = sender;
        _wakeRequested = 1;
    }

    /// <summary>The sender this slot paces.</summary>
    public IPacedSender Sender { get; }

    /// <summary>Whether the clock calls the sender every period (false: idle until <see cref="Wake"/>).</summary>
    public bool IsActive => Volatile.Read(ref _active) != 0;

    /// <summary>The next deadline of an active slot, in ticks of the pacing clock's <see cref="TimeProvider"/>.</summary>
    public long NextDeadline { get; internal set; }

    /// <summary>Makes an idle sender due at once (the clock's next pass starts its phase); no-op while active.</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _wakeRequested) != 0)
        {
            return;
        }
        // The full fence of the exchange pairs with the one in GoIdle: either this call sees the slot idle and
        // signals, or the clock sees the request right after going idle.
        Interlocked.Exchange(ref _wakeRequested, 1);
        if (Volatile.Read(ref _active) == 0)
        {
            _schedule.Signal();
        }
    }

    internal bool WakeRequested => Volatile.Read(ref _wakeRequested) != 0;

    internal void Activate(long deadline)
    {
        NextDeadline = deadline;
        Volatile.Write(ref _active, 1);
    }

    /// <summary>Clears the wake request before the sender looks at its audio: a push after this point wakes it again.</summary>
    internal void ConsumeWake() => Interlocked.Exchange(ref _wakeRequested, 0);

    internal void GoIdle() => Interlocked.Exchange(ref _active, 0);
}
