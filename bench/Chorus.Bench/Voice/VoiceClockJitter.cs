using System.Diagnostics;
using Chorus.Discord.Voice.Send;

namespace Chorus.Bench.Voice;

/// <summary>
/// Console harness (not BenchmarkDotNet): runs the pacing clock for a while and reports how far each tick fired from
/// its absolute deadline and how the 20 ms intervals spread. Usage: <c>dotnet run -c Release -- voice-clock [seconds]</c>.
/// </summary>
public static class VoiceClockJitter
{
    private sealed class Recorder(int capacity) : IPacedSender
    {
        public readonly long[] Lateness = new long[capacity];
        public readonly long[] FiredAt = new long[capacity];
        public int Count;
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool OnTick(long scheduledAt)
        {
            var now = Stopwatch.GetTimestamp();
            if (Count < Lateness.Length)
            {
                Lateness[Count] = now - scheduledAt;
                FiredAt[Count] = now;
                Count++;
            }
            else
            {
                Done.TrySetResult();
            }
            return true;
        }
    }

    public static void Run(string[] args)
    {
        var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 30;
        var recorder = new Recorder(seconds * 50);
        using var clock = new VoicePacingClock();
        clock.Register(recorder);
        recorder.Done.Task.Wait(TimeSpan.FromSeconds(seconds + 10));
        clock.Unregister(recorder);

        var toMs = 1000.0 / Stopwatch.Frequency;
        var lateness = recorder.Lateness.Take(recorder.Count).Select(t => t * toMs).Order().ToArray();
        var intervals = recorder.FiredAt.Take(recorder.Count).Zip(recorder.FiredAt.Skip(1).Take(recorder.Count - 1), (a, b) => (b - a) * toMs).Order().ToArray();
        var drift = (recorder.FiredAt[recorder.Count - 1] - recorder.FiredAt[0]) * toMs - (recorder.Count - 1) * 20.0;
        Console.WriteLine($"ticks: {recorder.Count} over {seconds} s, resyncs: {clock.Resyncs}");
        Console.WriteLine($"lateness vs deadline (ms): p50 {P(lateness, 0.5):F3}  p99 {P(lateness, 0.99):F3}  max {lateness[^1]:F3}");
        Console.WriteLine($"interval (ms): p1 {P(intervals, 0.01):F3}  p50 {P(intervals, 0.5):F3}  p99 {P(intervals, 0.99):F3}  max {intervals[^1]:F3}");
        Console.WriteLine($"drift over the run (ms): {drift:F3}");
    }

    private static double P(double[] sorted, double q) => sorted[Math.Clamp((int)(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
}
