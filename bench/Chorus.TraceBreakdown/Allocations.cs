using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Chorus.TraceBreakdown;

/// <summary>
/// Where a trace's allocations come from: the runtime's allocation ticks (one per ~100 KB allocated, with the type and
/// the stack of the allocation that crossed it), grouped by type and by the stack's innermost frames.
/// </summary>
internal static class Allocations
{
    public static string Render(string path, int frames)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(path);
        using var log = new TraceLog(etlx);
        var byStack = new Dictionary<string, long>();
        var byType = new Dictionary<string, long>();
        long total = 0;
        foreach (var data in log.Events)
        {
            if (!data.EventName.Contains("AllocationTick", StringComparison.Ordinal))
            {
                continue;
            }
            var type = data.PayloadByName("TypeName") as string ?? "?";
            var amount = data.PayloadByName("AllocationAmount64") is { } a ? Convert.ToInt64(a, CultureInfo.InvariantCulture) : 100_000;
            var stack = new List<string>();
            for (var frame = data.CallStack(); frame is not null && stack.Count < frames; frame = frame.Caller)
            {
                var method = frame.CodeAddress.FullMethodName;
                if (!string.IsNullOrEmpty(method))
                {
                    stack.Add(method.IndexOf('(', StringComparison.Ordinal) is var open and > 0 ? method[..open] : method);
                }
            }
            var key = $"{type}: {string.Join(" <- ", stack)}";
            byStack[key] = byStack.GetValueOrDefault(key) + amount;
            byType[type] = byType.GetValueOrDefault(type) + amount;
            total += amount;
        }
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{total / 1048576.0:0.0} MiB sampled by allocation ticks");
        text.AppendLine("By type:");
        foreach (var (type, amount) in byType.OrderByDescending(p => p.Value).Take(25))
        {
            text.AppendLine(c, $"  {amount * 100.0 / Math.Max(1, total),6:0.0} %  {type}");
        }
        text.AppendLine("By type and stack:");
        foreach (var (key, amount) in byStack.OrderByDescending(p => p.Value).Take(40))
        {
            text.AppendLine(c, $"  {amount * 100.0 / Math.Max(1, total),6:0.0} %  {key}");
        }
        return text.ToString();
    }
}
