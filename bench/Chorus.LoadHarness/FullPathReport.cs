using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Chorus.LoadHarness;

/// <summary>The figures of one <c>--path full</c> run: the bot's processes from outside, and the wire at the voice server.</summary>
internal sealed record FullPathReport
{
    public required int Conversations { get; init; }

    /// <summary>Guilds whose /join succeeded and whose call the bot joined (its DAVE group); only they talk.</summary>
    public required int Joined { get; init; }

    /// <summary>1: the all-in-one host; 2: a silo and two gateway processes, one shard each.</summary>
    public required int Gateways { get; init; }

    public required double MeasuredSeconds { get; init; }
    public required string Utterance { get; init; }
    public required int ProcessorCount { get; init; }

    /// <summary>/proc/loadavg at the end of the window: the machine is shared, so the figures carry its load.</summary>
    public required string LoadAverage { get; init; }

    public required IReadOnlyList<BotProcessFigures> Processes { get; init; }

    /// <summary>All the bot's processes' CPU time / wall time / joined conversations, as a percentage of one core.</summary>
    public required double CpuPercentOfCorePerConversation { get; init; }

    /// <summary>All the bot's processes with no call, before the first /join (a few seconds), as a percentage of one core.</summary>
    public required double IdleCpuPercentOfCore { get; init; }

    /// <summary>What the calls add: (CPU in the window - idle CPU) / joined conversations, as a percentage of one core.</summary>
    public double MarginalCpuPercentOfCorePerConversation =>
        Math.Max(0, (CpuPercentOfCorePerConversation * Math.Max(1, Joined)) - IdleCpuPercentOfCore) / Math.Max(1, Joined);

    public required WireFigures Wire { get; init; }

    /// <summary>The bot's own wire-latency histograms over the window, from its processes' scrape endpoints.</summary>
    public required IReadOnlyList<ScrapedLatency> BotLatencies { get; init; }

    /// <summary>With --compare-bare: the bare pipeline at the same N (emulators in a child process).</summary>
    public LoadReport? Bare { get; init; }

    /// <summary>Full path's CPU per conversation over the bare pipeline's.</summary>
    public double? CpuRatioFullToBare =>
        Bare is { CpuPercentOfCorePerConversation: > 0 } bare ? CpuPercentOfCorePerConversation / bare.CpuPercentOfCorePerConversation : null;

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Chorus load harness, full path ({(Gateways == 1 ? "all-in-one host" : $"silo + {Gateways} gateway processes")}): {Joined}/{Conversations} conversations joined, {MeasuredSeconds:0.0} s measured, {ProcessorCount} cores, load average {LoadAverage}, utterance: {Utterance}, DAVE on");
        foreach (var p in Processes)
        {
            text.AppendLine(c, $"  {p.Name,-12} CPU {p.CpuPercentOfCore,6:0.0} % of a core ({p.CpuPercentOfCorePerConversation:0.00} % per conversation), working set {p.WorkingSetMiB:0} MiB");
        }

        text.AppendLine(c, $"CPU per conversation: {CpuPercentOfCorePerConversation:0.00} % of one core (all bot processes); idle hosts {IdleCpuPercentOfCore:0.0} % of a core before any call, so {MarginalCpuPercentOfCorePerConversation:0.00} % per conversation on top");
        text.AppendLine(c, $"at the voice server: send interval p50 {Wire.SendIntervalMs.P50Ms:0.00} / p99 {Wire.SendIntervalMs.P99Ms:0.00} / max {Wire.SendIntervalMs.MaxMs:0.00} ms (target p99 20+/-2); first reply packet after the user stops p50 {Wire.FirstReplyPacketMs.P50Ms:0} / p99 {Wire.FirstReplyPacketMs.P99Ms:0} ms ({Wire.FirstReplyPacketMs.Count} of {Wire.SpeechEnds} stops answered, {Wire.Unanswered} lost turns, bot still talking at {Wire.StillTalking})");
        text.AppendLine("at the bot's wire (its own histograms, scraped; p50/p99 interpolated within buckets, as Prometheus' histogram_quantile):");
        foreach (var latency in BotLatencies)
        {
            text.AppendLine(c, $"  {latency.Figure,-26} {latency.Count,8} samples  p50 {latency.P50Ms,8:0.00} ms  p99 {latency.P99Ms,8:0.00} ms");
        }

        if (Bare is { } bare)
        {
            text.AppendLine(c, $"bare pipeline, same N: CPU per conversation {bare.CpuPercentOfCorePerConversation:0.00} % of one core; send interval p50 {bare.Wire.SendIntervalMs.P50Ms:0.00} / p99 {bare.Wire.SendIntervalMs.P99Ms:0.00} ms; first reply packet p50 {bare.Wire.FirstReplyPacketMs.P50Ms:0} / p99 {bare.Wire.FirstReplyPacketMs.P99Ms:0} ms; {bare.Wire.Unanswered} lost turns");
            text.AppendLine(c, $"CPU per conversation full/bare: {CpuRatioFullToBare:0.00}x");
        }
        return text.ToString();
    }
}

/// <param name="Name">all-in-one, silo, or gateway-i (shard i).</param>
/// <param name="CpuPercentOfCore">CPU time / wall time over the window, as a percentage of one core.</param>
/// <param name="CpuPercentOfCorePerConversation">The same over every joined conversation (each gateway serves only its shard's).</param>
/// <param name="WorkingSetMiB">After warm-up, every conversation up and talking.</param>
internal sealed record BotProcessFigures(string Name, double CpuPercentOfCore, double CpuPercentOfCorePerConversation, double WorkingSetMiB);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FullPathReport))]
internal sealed partial class FullPathReportJson : JsonSerializerContext;
