using System.Globalization;
using System.Text;

namespace Chorus.TraceBreakdown;

internal static class Report
{
    /// <summary>Microseconds in one 20 ms frame period.</summary>
    private const double FramePeriodUs = 20_000;

    public static string Render(TraceSamples samples, double? cpuPerConversation, int leaves)
    {
        var c = CultureInfo.InvariantCulture;
        var runningSamples = samples.Stacks.Where(Categories.IsRunning).ToList();
        var running = runningSamples.Select(s => s.Frames).ToList();
        var waiting = samples.Stacks.Count(s => s.Frames.Count > 0 && !Categories.IsRunning(s));
        var text = new StringBuilder();
        text.AppendLine(c, $"{samples.Stacks.Count} thread samples over {samples.DurationMs / 1000:0.0} s (one per thread every {samples.IntervalMs:0.00} ms): {running.Count} running, {waiting} blocked, {samples.Stacks.Count(s => s.Frames.Count == 0)} without a managed frame");
        var cores = running.Count * samples.IntervalMs / Math.Max(1, samples.DurationMs);
        text.AppendLine(c, $"running samples x interval / duration: {cores:0.00} cores busy in managed threads");
        text.AppendLine();
        text.AppendLine(cpuPerConversation is null
            ? "| category | share of CPU samples |"
            : "| category | share of CPU samples | us per 20 ms frame per conversation |");
        text.AppendLine(cpuPerConversation is null ? "|---|---|" : "|---|---|---|");
        var byCategory = running.GroupBy(Categories.Classify).ToDictionary(g => g.Key, g => g.Count());
        var total = Math.Max(1, running.Count);
        var perFrameUs = cpuPerConversation / 100 * FramePeriodUs;
        foreach (var name in Categories.Ordered.Select(o => o.Name).Append(Categories.Other).OrderByDescending(n => byCategory.GetValueOrDefault(n)))
        {
            var share = byCategory.GetValueOrDefault(name) / (double)total;
            text.AppendLine(perFrameUs is { } us
                ? string.Create(c, $"| {name} | {share * 100:0.0} % | {share * us:0.0} |")
                : string.Create(c, $"| {name} | {share * 100:0.0} % |"));
        }
        if (perFrameUs is { } all)
        {
            text.AppendLine(c, $"| **total** | 100 % | {all:0.0} |");
        }

        if (leaves > 0)
        {
            text.AppendLine();
            text.AppendLine("Innermost frames of running samples:");
            AppendLeaves(text, running, leaves, total);
            text.AppendLine("Innermost frames of blocked samples:");
            AppendLeaves(text, [.. samples.Stacks.Where(s => s.Frames.Count > 0 && !Categories.IsRunning(s)).Select(s => s.Frames)], leaves, total);
            foreach (var name in byCategory.Keys.OrderByDescending(k => byCategory[k]))
            {
                text.AppendLine(c, $"Innermost frames in {name}:");
                AppendLeaves(text, running.Where(s => Categories.Classify(s) == name).ToList(), Math.Min(leaves, 8), total);
                text.AppendLine(c, $"Callers in {name} (second and third frames):");
                foreach (var group in runningSamples.Where(s => Categories.Classify(s.Frames) == name)
                    .GroupBy(s => string.Join(" <- ", s.Frames.Take(4).Select(Short)) + (s.InManagedCode ? " [managed]" : " [native]"))
                    .OrderByDescending(g => g.Count()).Take(Math.Min(leaves, 6)))
                {
                    text.AppendLine(c, $"  {group.Count() * 100.0 / total,6:0.00} %  {group.Key}");
                }
            }
        }
        return text.ToString();
    }

    /// <summary>A frame without its parameter list.</summary>
    private static string Short(string frame) => frame.IndexOf('(', StringComparison.Ordinal) is var open and > 0 ? frame[..open] : frame;

    private static void AppendLeaves(StringBuilder text, List<IReadOnlyList<string>> stacks, int count, int total)
    {
        foreach (var group in stacks.GroupBy(s => s[0]).OrderByDescending(g => g.Count()).Take(count))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count() * 100.0 / total,6:0.00} %  {group.Key}");
        }
    }
}
