using Chorus.Discord.Voice.Send;

namespace Chorus.Discord.Tests.Voice;

public sealed class PacingThreadPriorityTests
{
    [Fact]
    public void A_pacing_thread_raises_its_own_nice_value_and_no_other_threads()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The nice value is a Linux scheduling attribute.");
        }

        var before = PacingThreadPriority.CurrentThreadNice();
        int? inside = null;
        var raised = false;
        // A thread of its own, as the clock's are: the test runner's thread keeps its nice value.
        var thread = new Thread(() =>
        {
            raised = PacingThreadPriority.TryRaiseCurrentThread();
            inside = PacingThreadPriority.CurrentThreadNice();
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal(before, PacingThreadPriority.CurrentThreadNice());
        if (!raised)
        {
            // Without CAP_SYS_NICE the call is refused and the thread runs on unchanged.
            Assert.Equal(before, inside);
            Assert.Skip("This process may not raise priorities (no CAP_SYS_NICE).");
        }
        Assert.Equal(PacingThreadPriority.Nice, inside);
    }

    [Fact]
    public void The_shared_clocks_threads_report_whether_they_run_raised()
    {
        using var clock = new VoicePacingClock(threads: 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // The threads raise themselves as they start; a sender run on each proves both have started.
        using var ran = new CountdownEvent(2);
        var senders = new[] { new CountingSender(ran), new CountingSender(ran) };
        foreach (var sender in senders)
        {
            clock.Register(sender).Wake();
        }

        Assert.True(ran.Wait(TimeSpan.FromSeconds(10)));
        var expected = OperatingSystem.IsLinux() && CanRaise() ? 2 : 0;
        Assert.Equal(expected, clock.RaisedThreads);
    }

    private static bool CanRaise()
    {
        var can = false;
        var probe = new Thread(() => can = PacingThreadPriority.TryRaiseCurrentThread());
        probe.Start();
        probe.Join();
        return can;
    }

    private sealed class CountingSender(CountdownEvent ran) : IPacedSender
    {
        private int _calls;

        public bool OnTick(long scheduledAt)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                ran.Signal();
            }

            return false;
        }
    }
}
