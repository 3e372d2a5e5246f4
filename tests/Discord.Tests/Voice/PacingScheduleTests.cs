using Chorus.Discord.Voice.Send;

namespace Chorus.Discord.Tests.Voice;

/// <summary>The clock's scheduling driven with made-up instants: phases, wake-ups, idling and stalls, deterministically.</summary>
public sealed class PacingScheduleTests
{
    private const long Period = 20_000;
    private const long Early = 500;

    private sealed class ScriptedSender : IPacedSender
    {
        public List<long> Calls { get; } = [];

        public PacingSlot? Slot { get; private set; }

        public int AttachCount { get; private set; }

        /// <summary>Calls still wanted; the sender goes idle when it reaches zero.</summary>
        public int Remaining { get; set; }

        public Action? DuringCall { get; set; }

        public bool Throws { get; set; }

        public bool OnTick(long scheduledAt)
        {
            Calls.Add(scheduledAt);
            DuringCall?.Invoke();
            if (Throws)
            {
                throw new InvalidOperationException("faulty sender");
            }

            if (Remaining > 0)
            {
                Remaining--;
            }

            return Remaining > 0;
        }

        public void AttachTo(PacingSlot? slot)
        {
            Slot = slot;
            AttachCount++;
        }
    }

    private static (PacingSchedule Schedule, List<int> Signals) Create()
    {
        var signals = new List<int>();
        var schedule = new PacingSchedule(Period, Early, () => signals.Add(signals.Count));
        return (schedule, signals);
    }

    [Fact]
    public void A_woken_sender_runs_at_once_then_every_period_from_that_instant_and_then_idles()
    {
        var (schedule, signals) = Create();
        var sender = new ScriptedSender();
        schedule.Add(sender);
        Assert.Single(signals);
        Assert.Equal(1, schedule.RunDue(1_000)); // the registration call: nothing to send, so it idles
        Assert.False(sender.Slot!.IsActive);
        Assert.Equal(long.MaxValue, schedule.NextDeadline);
        Assert.Equal(0, schedule.RunDue(50_000));

        sender.Remaining = 3;
        sender.Slot.Wake();
        Assert.Equal(2, signals.Count);
        Assert.Equal(1, schedule.RunDue(123_457));
        Assert.True(sender.Slot.IsActive);
        Assert.Equal(0, schedule.CollectDue(123_460));
        Assert.Equal(123_457 + Period, schedule.NextDeadline);
        // Later passes run it on its own deadlines, whatever instant the pass happens at.
        Assert.Equal(1, schedule.RunDue(123_457 + Period + 200));
        Assert.Equal(1, schedule.RunDue(123_457 + 2 * Period - 300));
        Assert.Equal(0, schedule.RunDue(200_000));

        Assert.Equal([1_000, 123_457, 123_457 + Period, 123_457 + 2 * Period], sender.Calls);
        Assert.False(sender.Slot.IsActive);
    }

    [Fact]
    public void Senders_woken_at_different_instants_keep_their_own_phases()
    {
        var (schedule, _) = Create();
        var a = new ScriptedSender();
        var b = new ScriptedSender();
        schedule.Add(a);
        schedule.Add(b);
        schedule.RunDue(0);
        a.Remaining = b.Remaining = 100;
        a.Slot!.Wake();
        schedule.RunDue(100_000);
        b.Slot!.Wake();
        schedule.RunDue(107_000);

        // Drive passes the way the clock does: at whichever deadline comes next.
        for (var pass = 0; pass < 20; pass++)
        {
            Assert.Equal(0, schedule.CollectDue(schedule.NextDeadline - Early - 1));
            schedule.RunDue(schedule.NextDeadline);
        }

        Assert.Equal(Enumerable.Range(0, a.Calls.Count - 1).Select(n => 100_000 + n * Period), a.Calls.Skip(1));
        Assert.Equal(Enumerable.Range(0, b.Calls.Count - 1).Select(n => 107_000 + n * Period), b.Calls.Skip(1));
        Assert.Equal(11, a.Calls.Count - 1);
        Assert.Equal(11, b.Calls.Count - 1);
    }

    [Fact]
    public void Waking_an_active_sender_neither_signals_nor_moves_its_phase()
    {
        var (schedule, signals) = Create();
        var sender = new ScriptedSender { Remaining = 10 };
        schedule.Add(sender);
        schedule.RunDue(5_000);
        var signalsBefore = signals.Count;
        sender.Slot!.Wake();
        sender.Slot.Wake();
        Assert.Equal(signalsBefore, signals.Count);
        Assert.Equal(0, schedule.RunDue(6_000));
        Assert.Equal(5_000 + Period, schedule.NextDeadline);
        Assert.Equal(1, schedule.RunDue(5_000 + Period));
        Assert.Equal([5_000, 5_000 + Period], sender.Calls);
    }

    [Fact]
    public void A_wake_racing_the_sender_going_idle_is_not_lost()
    {
        var (schedule, signals) = Create();
        var sender = new ScriptedSender { Remaining = 1 };
        schedule.Add(sender);
        // Audio arrives after the sender looked at its buffer but before the clock marked it idle.
        sender.DuringCall = () => sender.Slot!.Wake();
        var signalsBefore = signals.Count;
        Assert.Equal(1, schedule.RunDue(1_000));
        Assert.False(sender.Slot!.IsActive);
        Assert.Equal(signalsBefore, signals.Count); // it saw the slot active, so it relied on the clock re-checking
        sender.DuringCall = null;
        sender.Remaining = 2;
        Assert.Equal(1, schedule.RunDue(1_100));
        Assert.Equal([1_000, 1_100], sender.Calls);
        Assert.True(sender.Slot.IsActive);
    }

    [Fact]
    public void Deadlines_within_the_early_window_share_a_pass_and_keep_their_own_schedule()
    {
        var (schedule, _) = Create();
        var a = new ScriptedSender { Remaining = 100 };
        var b = new ScriptedSender { Remaining = 100 };
        schedule.Add(a);
        schedule.RunDue(0);
        schedule.Add(b);
        schedule.RunDue(300);

        Assert.Equal(0, schedule.CollectDue(Period - Early - 1));
        Assert.Equal(Period, schedule.NextDeadline);
        Assert.Equal(2, schedule.RunDue(Period - 200));
        Assert.Equal([0, Period], a.Calls);
        Assert.Equal([300, 300 + Period], b.Calls);
    }

    [Fact]
    public void A_short_stall_catches_up_frame_by_frame_and_a_long_one_restarts_the_phase()
    {
        var (schedule, _) = Create();
        var sender = new ScriptedSender { Remaining = 100 };
        schedule.Add(sender);
        schedule.RunDue(0);

        var late = 2 * Period + 5_000;
        Assert.Equal(1, schedule.RunDue(late));
        Assert.Equal(1, schedule.RunDue(late));
        Assert.Equal(0, schedule.RunDue(late));
        Assert.Equal([0, Period, 2 * Period], sender.Calls);
        Assert.Equal(0, schedule.Resyncs);

        var stalled = 10 * Period;
        Assert.Equal(1, schedule.RunDue(stalled));
        Assert.Equal(1, schedule.Resyncs);
        Assert.Equal(0, schedule.RunDue(stalled + Period - Early - 1));
        Assert.Equal(stalled + Period, schedule.NextDeadline);
    }

    [Fact]
    public void A_faulty_sender_stays_scheduled_and_does_not_stop_the_others()
    {
        var (schedule, _) = Create();
        var faulty = new ScriptedSender { Throws = true };
        var healthy = new ScriptedSender { Remaining = 100 };
        schedule.Add(faulty);
        schedule.Add(healthy);
        Assert.Equal(2, schedule.RunDue(0));
        Assert.Equal(2, schedule.RunDue(Period));
        Assert.Equal([0, Period], faulty.Calls);
        Assert.Equal([0, Period], healthy.Calls);
    }

    [Fact]
    public void A_removed_sender_is_detached_and_never_called_again()
    {
        var (schedule, _) = Create();
        var sender = new ScriptedSender { Remaining = 100 };
        var slot = schedule.Add(sender);
        Assert.Same(slot, sender.Slot);
        schedule.RunDue(0);
        schedule.Remove(sender);
        Assert.Null(sender.Slot);
        Assert.Equal(2, sender.AttachCount);
        Assert.Equal(0, schedule.RunDue(Period));
        Assert.Equal(0, schedule.Count);
        Assert.Equal(long.MaxValue, schedule.NextDeadline);
    }

    private sealed class ThrowingSender : IPacedSender
    {
        public bool OnTick(long scheduledAt) => throw new InvalidOperationException("sender bug");
    }

    [Fact]
    public void A_sender_that_throws_is_counted_and_called_again_next_period_while_the_others_go_on()
    {
        var (schedule, _) = Create();
        var faulty = new ThrowingSender();
        var steady = new SteadySender();
        schedule.Add(faulty);
        schedule.Add(steady);
        steady.Slot!.Wake();

        Assert.Equal(2, schedule.RunDue(1_000));
        Assert.Equal(2, schedule.RunDue(1_000 + Period));

        Assert.Equal(2, schedule.FailedCalls);
        Assert.Equal(2, steady.Calls);
    }

    private sealed class SteadySender : IPacedSender
    {
        public PacingSlot? Slot { get; private set; }

        public int Calls { get; private set; }

        public bool OnTick(long scheduledAt)
        {
            Calls++;
            return Calls % 50 != 0; // idle after every 50th frame, like the end of a talk spurt
        }

        public void AttachTo(PacingSlot? slot) => Slot = slot;
    }

    [Fact]
    public void Passes_and_wake_ups_allocate_nothing_in_steady_state()
    {
        var schedule = new PacingSchedule(Period, Early, () => { });
        var senders = Enumerable.Range(0, 10).Select(_ => new SteadySender()).ToArray();
        foreach (var sender in senders)
        {
            schedule.Add(sender);
        }

        long now = 0;
        void Drive(int passes)
        {
            for (var pass = 0; pass < passes; pass++)
            {
                foreach (var sender in senders)
                {
                    sender.Slot!.Wake();
                }

                schedule.RunDue(now);
                now += Period / 4;
            }
        }

        Drive(100);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Drive(2_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(senders, s => Assert.True(s.Calls > 500));
    }
}
