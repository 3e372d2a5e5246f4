using System.Collections.Concurrent;
using System.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Send;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Discord.Tests.Voice;

public sealed class PacingClockTests
{
    [Fact]
    public async Task Many_senders_each_get_every_tick_once_in_order_and_are_shared_out_over_one_thread_per_core()
    {
        const int senderCount = 24;
        using var clock = new VoicePacingClock(TimeSpan.FromMilliseconds(5));
        var senders = Enumerable.Range(0, senderCount).Select(_ => new CountingSender()).ToArray();
        foreach (var sender in senders)
        {
            clock.Register(sender);
        }

        await Task.WhenAll(senders.Select(s => s.ReachedAsync(40))).WaitAsync(TimeSpan.FromSeconds(20));
        foreach (var sender in senders)
        {
            clock.Unregister(sender);
        }

        Assert.All(senders, s => Assert.True(s.InOrder, "deadlines only move forward"));
        Assert.All(senders, s => Assert.Empty(s.Overlaps));
        var threads = senders.SelectMany(s => s.Threads.Keys).Distinct().Count();
        Assert.Equal(Environment.ProcessorCount > 1 ? Environment.ProcessorCount : 1, threads);
    }

    [Fact]
    public async Task Each_talk_spurt_starts_after_its_audio_arrived_and_runs_on_its_own_phase()
    {
        using var clock = new VoicePacingClock();
        var sink = new CountingSink();
        var sent = new List<VoiceFrameSent>();
        using var idle = new SemaphoreSlim(0);
        var sender = new VoiceSender();
        sender.FrameSent += f =>
        {
            lock (sent)
            {
                sent.Add(f);
            }
        };
        sender.SpeakingChanged += on =>
        {
            if (!on)
            {
                idle.Release();
            }
        };
        sender.SetTransport(TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, new byte[32]), 5, sink);
        clock.Register(sender);

        var spurtStarts = new long[2];
        for (var spurt = 0; spurt < 2; spurt++)
        {
            spurtStarts[spurt] = Stopwatch.GetTimestamp();
            sender.Push(new short[OpusFormat.SendFrameSamples * 3]);
            Assert.True(await idle.WaitAsync(TimeSpan.FromSeconds(20)), "the spurt ended");
        }
        clock.Unregister(sender);

        VoiceFrameSent[] frames;
        lock (sent)
        {
            frames = [.. sent];
        }
        // The first spurt of a session announces the SSRC one period before its first frame.
        const int perSpurt = 3 + VoiceSender.SilenceFramesAfterSpurt;
        Assert.Equal(2 * perSpurt, frames.Length);
        var period = Stopwatch.Frequency * OpusFormat.FrameMilliseconds / 1000;
        for (var spurt = 0; spurt < 2; spurt++)
        {
            var ofSpurt = frames.AsSpan(spurt * perSpurt, perSpurt);
            Assert.True(ofSpurt[0].ScheduledAt >= spurtStarts[spurt], "a phase starts when its audio arrives");
            for (var i = 1; i < ofSpurt.Length; i++)
            {
                Assert.InRange(ofSpurt[i].ScheduledAt - ofSpurt[0].ScheduledAt - i * period, -1, 1);
            }
        }
        for (var i = 1; i < frames.Length; i++)
        {
            Assert.Equal((ushort)(frames[0].Sequence + i), frames[i].Sequence);
            Assert.Equal(frames[0].RtpTimestamp + (uint)(OpusFormat.RtpTimestampStep * i), frames[i].RtpTimestamp);
        }
        Assert.Equal(2 * perSpurt, sink.Count);
    }

    private sealed class CountingSink : IVoiceDatagramSink
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public bool Send(ReadOnlySpan<byte> datagram)
        {
            Interlocked.Increment(ref _count);
            return true;
        }
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
            {
                _reached.TrySetResult();
            }

            return _reached.Task;
        }

        public bool OnTick(long scheduledAt)
        {
            if (Interlocked.Increment(ref _inside) != 1)
            {
                Overlaps.Add(_ticks);
            }

            if (scheduledAt <= _last)
            {
                InOrder = false;
            }

            _last = scheduledAt;
            Threads[Environment.CurrentManagedThreadId] = 0;
            // A little work, like an Opus encode, so slices really run side by side.
            Thread.SpinWait(2000);
            Interlocked.Decrement(ref _inside);
            if (Interlocked.Increment(ref _ticks) >= Volatile.Read(ref _target))
            {
                _reached.TrySetResult();
            }

            return true;
        }
    }
}
