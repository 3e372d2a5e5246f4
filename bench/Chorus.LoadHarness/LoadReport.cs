using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Chorus.LoadHarness;

/// <summary>The harness's figures for one N, aggregated over every conversation.</summary>
internal sealed record LoadReport
{
    public required int Conversations { get; init; }
    public required int Connected { get; init; }
    public required double MeasuredSeconds { get; init; }
    public required string Utterance { get; init; }
    /// <summary>False with --split: the CPU and memory figures are then the bots' alone.</summary>
    public required bool EmulatorsInProcess { get; init; }
    public required bool EndToEndEncrypted { get; init; }
    public required int ProcessorCount { get; init; }
    public required LatencyFigure UplinkMs { get; init; }
    public required LatencyFigure DownlinkMs { get; init; }
    public required LatencyFigure ServerBargeInMs { get; init; }
    public required LatencyFigure LocalBargeInMs { get; init; }
    public required LatencyFigure SendIntervalMs { get; init; }
    public required LatencyFigure ResponseMs { get; init; }
    public required DropCounts Drops { get; init; }
    public required TrafficCounts Traffic { get; init; }
    /// <summary>Process CPU time / wall time / N, as a percentage of one core (emulators and scripted users included unless split).</summary>
    public required double CpuPercentOfCorePerConversation { get; init; }
    public required double CpuPercentOfMachine { get; init; }

    /// <summary>The emulator child's share of the machine over the same window (with --split), competing with the bots.</summary>
    public double? EmulatorCpuPercentOfMachine { get; init; }
    /// <summary>With --metrics-overhead: CPU per conversation without and with the instruments exported, in one run.</summary>
    public MetricsOverheadFigure? MetricsOverhead { get; init; }
    public required double WorkingSetMiBPerConversation { get; init; }
    public required double GcHeapMiBPerConversation { get; init; }
    public required double WorkingSetMiB { get; init; }
    /// <summary>Whole deltas (N conversations) since before the first connect: the slope across N is the marginal cost.</summary>
    public required double WorkingSetDeltaMiB { get; init; }
    public required double GcHeapDeltaMiB { get; init; }
    public required int Gen0Collections { get; init; }
    public required int Gen2Collections { get; init; }

    /// <summary>Process CPU time over the window / <see cref="TrafficCounts.PacketsHandled"/>: comparable across runs where a starved bot does less work.</summary>
    public required double CpuMicrosecondsPerPacket { get; init; }

    /// <summary>Bytes the process allocated over the window / <see cref="TrafficCounts.PacketsHandled"/> (the hot paths' target is 0).</summary>
    public required double AllocatedBytesPerPacket { get; init; }

    /// <summary>Times the pacing threads woke up, per second of the window (each is a timed wait and a context switch).</summary>
    public required double PacingWakeupsPerSecond { get; init; }

    /// <summary>The same window timed at the emulated voice server, as the Node peer is.</summary>
    public required WireFigures Wire { get; init; }

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Chorus load harness: {Connected}/{Conversations} conversations, {MeasuredSeconds:0.0} s measured, {ProcessorCount} cores, utterance: {Utterance}, emulators {(EmulatorsInProcess ? "in this process (counted in CPU/memory)" : "in a child process (not counted)")}, DAVE {(EndToEndEncrypted ? "on" : "off")}");
        text.AppendLine("figure                       count      p50 ms    p99 ms    max ms   target");
        // Every figure is taken at the wire: a datagram or a model message off a socket, audio handed to one.
        Row(text, "uplink (UDP in->Gemini)", UplinkMs, "p50<=5 p99<=25");
        Row(text, "downlink (Gemini->RTP out)", DownlinkMs, "p50<=5 p99<=25");
        Row(text, "server barge-in (->last)", ServerBargeInMs, "<=25");
        Row(text, "local barge-in (->last)", LocalBargeInMs, "<=25");
        Row(text, "send interval", SendIntervalMs, "p99 20+/-2");
        Row(text, "turn (speech in->1st out)", ResponseMs, "");
        Row(text, "  model's time (emulator)", Wire.ModelTimeMs, "");
        text.AppendLine(c, $"  ours (turn - model)       p50 {ResponseMs.P50Ms - Wire.ModelTimeMs.P50Ms,8:0.00} ms (difference of the medians: turns are not paired one by one)");
        text.AppendLine(c, $"frames dropped: uplink {Drops.UplinkDropped}, model audio {Drops.ModelAudioDropped}, receive late {Drops.ReceiveLate}, concealed {Drops.ReceiveConcealed}, send failed {Drops.SendFailed}, not ready {Drops.SendNotReady}, reply after interrupt {Drops.ReplyFramesAfterInterrupt}, DAVE decrypt failed {Drops.FrameDecryptFailed}");
        text.AppendLine(c, $"traffic: {Traffic.FramesToGemini} frames to Gemini ({Traffic.FramesBuffered} buffered during an outage, not in the uplink figure), {Traffic.ReplyFramesSent} reply frames sent, {Traffic.Turns} turns, {Traffic.Interruptions} interruptions, {Traffic.LocalBargeIns} local barge-ins, {Traffic.ConversationFailures} failures");
        text.AppendLine(c, $"CPU per conversation: {CpuPercentOfCorePerConversation:0.00} % of one core (process total {CpuPercentOfMachine:0.0} % of the machine{(EmulatorCpuPercentOfMachine is { } e ? $"; the emulator process beside it {e:0.0} %" : "")})");
        text.AppendLine(c, $"per packet ({Traffic.DatagramsReceived} received, {Traffic.ReplyFramesSent} sent, {Traffic.FramesToGemini} frames to Gemini): CPU {CpuMicrosecondsPerPacket:0.0} us, allocated {AllocatedBytesPerPacket:0.0} B; pacing threads woke {PacingWakeupsPerSecond:0} times a second");
        if (MetricsOverhead is { } m)
        {
            text.AppendLine(c, $"metrics overhead: CPU per conversation {m.CpuPercentOfCoreWithout:0.00} % of one core with nothing listening, {m.CpuPercentOfCoreWith:0.00} % with OpenTelemetry collecting Chorus.* + runtime + process and exporting each second ({m.CpuPercentOfCoreWith - m.CpuPercentOfCoreWithout:+0.00;-0.00} points; {m.Rounds} alternating pairs of {m.WindowSeconds:0.#} s windows)");
        }

        text.AppendLine(c, $"memory per conversation: working set {WorkingSetMiBPerConversation:0.00} MiB, GC heap {GcHeapMiBPerConversation:0.00} MiB (deltas for all: {WorkingSetDeltaMiB:0.0} MiB / {GcHeapDeltaMiB:0.0} MiB, includes one-off JIT and code, so use the slope across N; process working set {WorkingSetMiB:0} MiB; GCs gen0 {Gen0Collections}, gen2 {Gen2Collections})");
        text.AppendLine(c, $"at the voice server: send interval p50 {Wire.SendIntervalMs.P50Ms:0.00} / p99 {Wire.SendIntervalMs.P99Ms:0.00} / max {Wire.SendIntervalMs.MaxMs:0.00} ms; first reply packet after the user stops p50 {Wire.FirstReplyPacketMs.P50Ms:0} / p99 {Wire.FirstReplyPacketMs.P99Ms:0} ms ({Wire.FirstReplyPacketMs.Count} of {Wire.SpeechEnds} stops answered, {Wire.Unanswered} unanswered, bot still talking at {Wire.StillTalking})");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, LatencyFigure figure, string target) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"{name,-26} {figure.Count,8} {figure.P50Ms,10:0.00} {figure.P99Ms,9:0.00} {figure.MaxMs,9:0.00}   {target}");
}

internal sealed record DropCounts(
    long UplinkDropped, long ModelAudioDropped, long ReceiveLate, long ReceiveConcealed, long SendFailed, long SendNotReady, long ReplyFramesAfterInterrupt,
    long FrameDecryptFailed);

/// <summary>What the conversations did in the window; <c>DatagramsReceived</c> counts the UDP datagrams that reached the bots' receive paths.</summary>
internal sealed record TrafficCounts(
    long FramesToGemini, long FramesBuffered, long ReplyFramesSent, long Turns, long Interruptions, long LocalBargeIns, long ConversationFailures,
    long DatagramsReceived)
{
    /// <summary>The per-packet work of the window: each datagram received, each reply packet sent and each frame sent to Gemini.</summary>
    public long PacketsHandled => DatagramsReceived + ReplyFramesSent + FramesToGemini;
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class LoadReportJson : JsonSerializerContext;

/// <summary>One line each, for the emulator child's <c>WIRE</c> answer.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WireFigures))]
internal sealed partial class WireFiguresJson : JsonSerializerContext;
