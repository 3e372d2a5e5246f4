using System.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Send;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Bench.Voice;

/// <summary>
/// Console harness (not BenchmarkDotNet): N voice senders on one pacing clock, each playing replies the way Gemini
/// delivers them (40 ms chunks at four times real time) with random pauses in between. Reports how long a reply's
/// first audio waits for its first packet, the intervals between packets within a spurt, and the process CPU.
/// With <c>--idle</c> nobody speaks: the CPU is what the clock costs while it has nothing to send.
/// Usage: <c>dotnet run -c Release -- voice-spurts [senders] [seconds] [--idle]</c>.
/// </summary>
public static class VoiceSpurtLatency
{
    private const int ReplyFrames = 50;
    private const int ChunkSamples = OpusFormat.SendSampleRate / 25;

    private sealed class DiscardingSink : IVoiceDatagramSink
    {
        public bool Send(ReadOnlySpan<byte> datagram) => true;
    }

    private sealed class Speaker
    {
        public readonly VoiceSender Sender = new();
        public readonly long[] FirstFrameWaits = new long[4096];
        public readonly long[] Intervals = new long[262_144];
        public readonly long[] Lateness = new long[262_144];
        public int LatenessCount;
        public int WaitCount;
        public int IntervalCount;
        public long PushedAt;
        public long LastSentAt;
        public bool Measuring;
        public volatile bool Idle = true;
        public long NextSpurtAt;
        public int ChunksPushed = -1;

        public Speaker()
        {
            Sender.SetTransport(TransportCipher.Create(TransportEncryptionMode.Aes256GcmRtpSize, new byte[32]), 1, new DiscardingSink());
            Sender.FrameSent += OnSent;
            Sender.SpeakingChanged += on => Idle = !on;
        }

        private void OnSent(VoiceFrameSent sent)
        {
            var pushedAt = Interlocked.Exchange(ref PushedAt, 0);
            if (!Measuring)
            {
                return;
            }

            if (LatenessCount < Lateness.Length)
            {
                Lateness[LatenessCount++] = sent.SentAt - sent.ScheduledAt;
            }

            if (pushedAt > 0 && !sent.IsSilence && WaitCount < FirstFrameWaits.Length)
            {
                FirstFrameWaits[WaitCount++] = sent.SentAt - pushedAt;
            }
            else if (LastSentAt > 0 && IntervalCount < Intervals.Length)
            {
                Intervals[IntervalCount++] = sent.SentAt - LastSentAt;
            }

            LastSentAt = sent.SentAt;
        }
    }

    public static void Run(string[] args)
    {
        var senders = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 10;
        var seconds = args.Length > 2 && int.TryParse(args[2], out var s) ? s : 20;
        var idle = args.Contains("--idle");
        var pcm = new short[ChunkSamples];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / OpusFormat.SendSampleRate));
        }

        using var clock = new VoicePacingClock();
        var speakers = Enumerable.Range(0, senders).Select(_ => new Speaker()).ToArray();
        foreach (var speaker in speakers)
        {
            clock.Register(speaker.Sender);
        }

        var random = new Random(7);
        var frequency = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var warmupEnd = start + 3 * frequency;
        var end = warmupEnd + seconds * frequency;
        foreach (var speaker in speakers)
        {
            speaker.NextSpurtAt = start + random.NextInt64(frequency);
        }

        var process = Process.GetCurrentProcess();
        var cpuAtStart = TimeSpan.Zero;
        // Read by name: the clock has counted its wake-ups only since it paces each sender on its own phase.
        var wakeups = typeof(VoicePacingClock).GetProperty("Wakeups");
        long wakeupsAtStart = 0;
        var measuring = false;

        while (Stopwatch.GetTimestamp() < end)
        {
            var now = Stopwatch.GetTimestamp();
            if (!measuring && now >= warmupEnd)
            {
                measuring = true;
                process.Refresh();
                cpuAtStart = process.TotalProcessorTime;
                wakeupsAtStart = (long?)wakeups?.GetValue(clock) ?? 0;
                foreach (var speaker in speakers)
                {
                    speaker.Measuring = true;
                }
            }
            if (!idle)
            {
                foreach (var speaker in speakers)
                {
                    Drive(speaker, pcm, now, random, frequency);
                }
            }
            Thread.Sleep(idle ? 100 : 10);
        }
        process.Refresh();
        var clockWakeups = ((long?)wakeups?.GetValue(clock) ?? 0) - wakeupsAtStart;
        var cpu = (process.TotalProcessorTime - cpuAtStart).TotalSeconds;
        foreach (var speaker in speakers)
        {
            clock.Unregister(speaker.Sender);
        }

        var toMs = 1000.0 / frequency;
        var waits = speakers.SelectMany(p => p.FirstFrameWaits.Take(p.WaitCount)).Select(t => t * toMs).Order().ToArray();
        var intervals = speakers.SelectMany(p => p.Intervals.Take(p.IntervalCount)).Select(t => t * toMs).Order().ToArray();
        Console.WriteLine($"{senders} senders, {seconds} s measured{(idle ? ", all idle" : "")}, {Environment.ProcessorCount} cores");
        if (waits.Length > 0)
        {
            Console.WriteLine($"first audio -> first packet (ms): n {waits.Length}  p50 {P(waits, 0.5):F3}  p99 {P(waits, 0.99):F3}  max {waits[^1]:F3}");
        }

        if (intervals.Length > 0)
        {
            Console.WriteLine($"interval within a spurt (ms): n {intervals.Length}  p1 {P(intervals, 0.01):F3}  p50 {P(intervals, 0.5):F3}  p99 {P(intervals, 0.99):F3}  max {intervals[^1]:F3}");
        }

        var lateness = speakers.SelectMany(p => p.Lateness.Take(p.LatenessCount)).Select(t => t * toMs).Order().ToArray();
        if (lateness.Length > 0)
        {
            Console.WriteLine($"sent - scheduled (ms): p1 {P(lateness, 0.01):F3}  p50 {P(lateness, 0.5):F3}  p99 {P(lateness, 0.99):F3}  max {lateness[^1]:F3}");
        }

        if (wakeups is not null)
        {
            Console.WriteLine($"clock wake-ups: {clockWakeups / (double)seconds:F0} per second");
        }

        Console.WriteLine($"process CPU: {cpu / seconds * 100:F2} % of one core ({cpu / seconds * 100 / Environment.ProcessorCount:F2} % of the machine)");
        Console.WriteLine($"clock resyncs: {clock.Resyncs}");
    }

    /// <summary>Starts a reply when the pause is over, then pushes its chunks at four times real time.</summary>
    private static void Drive(Speaker speaker, short[] pcm, long now, Random random, long frequency)
    {
        if (speaker.ChunksPushed < 0)
        {
            if (now < speaker.NextSpurtAt || !speaker.Idle || speaker.Sender.Playout.Count > 0)
            {
                return;
            }

            speaker.ChunksPushed = 0;
            speaker.LastSentAt = 0;
            Interlocked.Exchange(ref speaker.PushedAt, Stopwatch.GetTimestamp());
        }
        speaker.Sender.Push(pcm);
        if (++speaker.ChunksPushed * ChunkSamples >= ReplyFrames * OpusFormat.SendFrameSamples)
        {
            speaker.ChunksPushed = -1;
            // The reply plays for a second; the next one starts after it and a pause of 0.2 to 1.5 s.
            speaker.NextSpurtAt = now + frequency + frequency / 5 + random.NextInt64(frequency * 13 / 10);
        }
    }

    private static double P(double[] sorted, double q) => sorted[Math.Clamp((int)(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
}
