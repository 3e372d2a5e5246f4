using System.Collections.Concurrent;
using Chorus.Discord.Voice.Send;

namespace Chorus.Discord.Tests.Voice;

public sealed class PacingClockTests
{
    [Fact]
    public async Task Many_senders_each_get_every_tick_once_in_order_even_when_the_work_is_shared_by_threads()
    {
        const int senderCount = VoicePacingClock.ParallelThreshold * 3;
        using var clock = new VoicePacingClock(TimeSpan.FromMilliseconds(5));
        var senders = Enumerable.Range(0, senderCount).Select(_ => new CountingSender()).ToArray();
        foreach (var sender in senders)
            clock.Register(sender);

        await Task.WhenAll(senders.Select(s => s.ReachedAsync(40))).WaitAsync(TimeSpan.FromSeconds(20));
        foreach (var sender in senders)
            clock.Unregister(sender);

        Assert.All(senders, s => Assert.True(s.InOrder, "deadlines only move forward"));
        Assert.All(senders, s => Assert.Empty(s.Overlaps));
        var threads = senders.SelectMany(s => s.Threads.Keys).Distinct().Count();
        Assert.Equal(Environment.ProcessorCount > 1 ? Environment.ProcessorCount : 1, threads);
    }

    private sealed class CountingSender : IPacedSender
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _ticks;
        private int _inside;
        private long _last;
        private int _target = int.MaxValue;

        public bool InOrder { get; private set; } = true;

        public ConcurrentBag<int> Overlaps { get; } = [];

        public ConcurrentDictionary<int, byte> Threads { get; } = new();

        public Task ReachedAsync(int ticks)
        {
            Volatile.Write(ref _target, ticks);
            if (Volatile.Read(ref _ticks) >= ticks)
                _reached.TrySetResult();
            return _reached.Task;
        }

        public void OnTick(long scheduledAt)
        {
            if (Interlocked.Increment(ref _inside) != 1)
                Overlaps.Add(_ticks);
            if (scheduledAt <= _last)
                InOrder = false;
            _last = scheduledAt;
            Threads[Environment.CurrentManagedThreadId] = 0;
            // A little work, like an Opus encode, so slices really run side by side.
            Thread.SpinWait(2000);
            Interlocked.Decrement(ref _inside);
            if (Interlocked.Increment(ref _ticks) >= Volatile.Read(ref _target))
                _reached.TrySetResult();
        }
    }
}
