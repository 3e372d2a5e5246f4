using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Chorus.TraceBreakdown;

/// <summary>The thread samples of a trace, each as its managed stack (innermost frame first).</summary>
/// <summary>One thread sample: its resolved managed frames (innermost first) and whether the runtime saw it running managed code.</summary>
internal sealed record ThreadSample(IReadOnlyList<string> Frames, bool InManagedCode);

/// <summary>The thread samples of a trace.</summary>
internal sealed record TraceSamples(IReadOnlyList<ThreadSample> Stacks, double DurationMs, double IntervalMs);

internal static class SampleReader
{
    private const string SampleProvider = "Microsoft-DotNETCore-SampleProfiler";

    public static TraceSamples Read(string path)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var stacks = new List<ThreadSample>();
        double? first = null;
        double last = 0;
        var byThread = new Dictionary<int, (double Last, double Gaps, int Count)>();
        foreach (var data in log.Events)
        {
            if (data.ProviderName != SampleProvider || !data.EventName.Contains("Sample", StringComparison.Ordinal))
            {
                continue;
            }
            var at = data.TimeStampRelativeMSec;
            first ??= at;
            last = at;
            var frames = new List<string>();
            for (var frame = data.CallStack(); frame is not null; frame = frame.Caller)
            {
                var address = frame.CodeAddress;
                var method = address.FullMethodName;
                // Native frames are not resolved from an EventPipe trace; the managed frame that called them says what they were.
                if (!string.IsNullOrEmpty(method))
                {
                    frames.Add(method);
                }
            }
            // The sampler's Type: 1 external (native code: a wait, a syscall, a native library), 2 managed code.
            stacks.Add(new ThreadSample(frames, data.PayloadByName("Type") is { } type && Convert.ToInt32(type, CultureInfo.InvariantCulture) == 2));
            var thread = data.ThreadID;
            if (byThread.TryGetValue(thread, out var t))
            {
                byThread[thread] = (at, t.Gaps + (at - t.Last), t.Count + 1);
            }
            else
            {
                byThread[thread] = (at, 0, 0);
            }
        }
        var gaps = byThread.Values.Sum(t => t.Gaps);
        var count = byThread.Values.Sum(t => t.Count);
        return new TraceSamples(stacks, first is { } f ? last - f : 0, count > 0 ? gaps / count : 1);
    }
}
