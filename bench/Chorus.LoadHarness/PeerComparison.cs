using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chorus.LoadHarness;

/// <summary>
/// <c>--peer node</c>: at each N of the sweep, ours and then the Node peer answer the same emulated calls (the same
/// emulator child, utterances, turn pattern and DAVE setting), each in a process of its own beside the emulators,
/// measured the same way: CPU and resident memory of the bot's process, send interval and first reply packet at
/// the emulated voice server. Prints a table with the ratios (Node peer / ours).
/// </summary>
internal static class PeerComparison
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(LoadHarnessOptions options, CancellationToken interrupted)
    {
        var peerDirectory = NodePeerInstall.FindDirectory(options.PeerDirectory);
        if (!await NodePeerInstall.EnsureInstalledAsync(peerDirectory))
        {
            return 2;
        }

        var rows = new List<ComparisonRow>();
        string? binding = null;
        foreach (var n in options.Sweep)
        {
            if (interrupted.IsCancellationRequested)
            {
                break;
            }

            var runOptions = options with { Conversations = n, Split = true };
            Console.WriteLine($"=== N = {n}: ours (load average {LoadAverage()}) ===");
            var ours = await Program.RunAsync(runOptions, interrupted);
            Console.WriteLine(ours.ToTable());
            Console.WriteLine($"=== N = {n}: the Node peer (load average {LoadAverage()}) ===");
            var node = await RunNodeAsync(runOptions, peerDirectory, interrupted);
            binding = node.OpusBinding;
            Console.WriteLine(node.Summary);
            rows.Add(new ComparisonRow(n, BotFigures.Of(ours), node.Figures, node.Counters));
        }

        var table = ToTable(rows, options, binding ?? "unknown");
        Console.WriteLine();
        Console.WriteLine(table);
        if (options.Out is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(rows, PeerComparisonJson.Default.ListComparisonRow));
            Console.WriteLine($"JSON written to {path}");
        }
        return rows.All(r => r.Ours.Connected == r.N && r.Node.Connected == r.N) ? 0 : 1;
    }

    private static async Task<NodeRun> RunNodeAsync(LoadHarnessOptions options, string peerDirectory, CancellationToken interrupted)
    {
        var emulators = await RemoteEmulators.StartAsync(options.ChildArguments());
        try
        {
            await using var peer = await NodePeerProcess.StartAsync(peerDirectory, emulators.GeminiBaseUri, emulators.CertificateFile, options.Dave, options.ConnectParallelism);
            try
            {
                var raised = await peer.RaisePriorityAsync();
                var baseline = peer.WorkingSet;
                for (var i = 0; i < options.Conversations; i++)
                {
                    await peer.JoinAsync(i, emulators.CredentialsFor(i), emulators.VoiceTlsEndpoint);
                }

                var joined = await peer.WaitForJoinsAsync(options.Conversations, JoinTimeout + TimeSpan.FromSeconds(options.Conversations));
                Console.WriteLine($"Node peer ({peer.OpusBinding}): connected {joined.Count}/{options.Conversations} conversations (main thread {(raised ? "at raised priority, as our pacing threads" : "at normal priority: renice failed")})");
                await emulators.StartTalkingAsync(joined);
                await DelayAsync(TimeSpan.FromSeconds(options.WarmupSeconds), interrupted);
                var steady = peer.WorkingSet;

                await emulators.MarkWireAsync();
                await peer.MarkAsync();
                var statsBefore = await peer.StatsAsync();
                var cpuBefore = peer.ProcessorTime;
                var emulatorCpuBefore = emulators.SeparateProcessorTime;
                var wall = Stopwatch.StartNew();
                await DelayAsync(TimeSpan.FromSeconds(options.Seconds), interrupted);
                var cpu = peer.ProcessorTime - cpuBefore;
                var emulatorCpu = emulators.SeparateProcessorTime - emulatorCpuBefore;
                var seconds = wall.Elapsed.TotalSeconds;
                var wire = await emulators.WireFiguresAsync();
                var stats = await peer.StatsAsync();
                var n = Math.Max(1, joined.Count);
                var framesToGemini = stats.GetProperty("framesToGemini").GetInt64() - statsBefore.GetProperty("framesToGemini").GetInt64();
                var figures = new BotFigures(
                    joined.Count,
                    cpu.TotalSeconds / seconds / n * 100,
                    cpu.TotalSeconds / seconds / Environment.ProcessorCount * 100,
                    emulatorCpu is { } e ? e.TotalSeconds / seconds / Environment.ProcessorCount * 100 : null,
                    (steady - baseline) / n / 1048576.0,
                    steady / 1048576.0,
                    framesToGemini,
                    MicrosecondsPerFrame(cpu, framesToGemini, wire),
                    wire);
                var summary = string.Create(CultureInfo.InvariantCulture,
                    $"""
                    Node peer: {joined.Count}/{options.Conversations} conversations, {seconds:0.0} s measured, Opus {peer.OpusBinding}
                    CPU per conversation: {figures.CpuPercentOfCorePerConversation:0.00} % of one core (process {figures.CpuPercentOfMachine:0.0} % of the machine; the emulator process beside it {figures.EmulatorCpuPercentOfMachine:0.0} %)
                    CPU per frame handled (uplink frames to Gemini + reply packets at the voice server): {figures.CpuMicrosecondsPerFrame:0} us
                    memory per conversation: resident {figures.WorkingSetMiBPerConversation:0.00} MiB (process {figures.WorkingSetMiB:0} MiB)
                    at the voice server: send interval p50 {wire.SendIntervalMs.P50Ms:0.00} / p99 {wire.SendIntervalMs.P99Ms:0.00} / max {wire.SendIntervalMs.MaxMs:0.00} ms; first reply packet after the user stops p50 {wire.FirstReplyPacketMs.P50Ms:0} / p99 {wire.FirstReplyPacketMs.P99Ms:0} ms ({wire.FirstReplyPacketMs.Count} of {wire.SpeechEnds} stops answered, {wire.Unanswered} unanswered, bot still talking at {wire.StillTalking})
                    its counters (whole run): {stats.GetRawText()}
                    """);
                return new NodeRun(figures, peer.OpusBinding, stats.GetRawText(), summary);
            }
            finally
            {
                await emulators.StopTalkingAsync();
            }
        }
        finally
        {
            await emulators.DisposeAsync();
        }
    }

    /// <summary>
    /// CPU per 20 ms of audio handled either way: a bot that falls behind does less work (answers that never play
    /// are never encoded), so this stays comparable when the machine is short of CPU and the per-conversation figure does not.
    /// </summary>
    internal static double MicrosecondsPerFrame(TimeSpan cpu, long framesToGemini, WireFigures wire) =>
        framesToGemini + wire.BotPackets > 0 ? cpu.TotalMicroseconds / (framesToGemini + wire.BotPackets) : 0;

    private static string ToTable(List<ComparisonRow> rows, LoadHarnessOptions options, string binding)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Ours vs the Node peer (@discordjs/voice 0.19.2 + @snazzah/davey 0.1.12 + @google/genai 3.6.1, Opus: {binding}), DAVE {(options.Dave ? "on" : "off")}, {options.Seconds:0.#} s measured per run, {Environment.ProcessorCount} cores, load average now {LoadAverage()}");
        text.AppendLine("Each cell: ours / Node peer (ratio Node / ours). Send interval and first reply packet are timed at the emulated voice server.");
        text.AppendLine();
        text.AppendLine("| N | bot CPU per conversation (% of a core) | CPU per frame handled (us) | send interval p99 (ms) | first reply packet p50 (ms) | first reply packet p99 (ms) | resident memory per conversation (MiB) | stops answered | peer's event-loop delay p99 |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(c, $"| {r.N} | {Cell(r.Ours.CpuPercentOfCorePerConversation, r.Node.CpuPercentOfCorePerConversation)} | {Cell(r.Ours.CpuMicrosecondsPerFrame, r.Node.CpuMicrosecondsPerFrame)} | {Cell(r.Ours.Wire.SendIntervalMs.P99Ms, r.Node.Wire.SendIntervalMs.P99Ms)} | {Cell(r.Ours.Wire.FirstReplyPacketMs.P50Ms, r.Node.Wire.FirstReplyPacketMs.P50Ms)} | {Cell(r.Ours.Wire.FirstReplyPacketMs.P99Ms, r.Node.Wire.FirstReplyPacketMs.P99Ms)} | {Cell(r.Ours.WorkingSetMiBPerConversation, r.Node.WorkingSetMiBPerConversation)} | {Answered(r.Ours.Wire)} / {Answered(r.Node.Wire)} | {EventLoopDelay(r.NodeCounters)} |");
        }
        return text.ToString();
    }

    private static string Cell(double ours, double node) =>
        string.Create(CultureInfo.InvariantCulture, $"{Round(ours)} / {Round(node)} ({(ours > 0 ? (node / ours).ToString("0.00", CultureInfo.InvariantCulture) : "-")}x)");

    private static string Round(double value) =>
        value.ToString(Math.Abs(value) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    private static string Answered(WireFigures wire) =>
        string.Create(CultureInfo.InvariantCulture, $"{wire.FirstReplyPacketMs.Count}/{wire.SpeechEnds}");

    private static string EventLoopDelay(string nodeCounters)
    {
        using var counters = JsonDocument.Parse(nodeCounters);
        return counters.RootElement.TryGetProperty("eventLoopDelayP99Ms", out var p99)
            ? string.Create(CultureInfo.InvariantCulture, $"{p99.GetDouble():0} ms")
            : "-";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken interrupted)
    {
        try
        {
            await Task.Delay(delay, interrupted);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.WriteLine("Interrupted: reporting what was measured so far.");
        }
    }

    private sealed record NodeRun(BotFigures Figures, string OpusBinding, string Counters, string Summary);
}

/// <summary>One bot's figures for one N, measured the same way for ours and the Node peer.</summary>
internal sealed record BotFigures(
    int Connected, double CpuPercentOfCorePerConversation, double CpuPercentOfMachine, double? EmulatorCpuPercentOfMachine,
    double WorkingSetMiBPerConversation, double WorkingSetMiB, long FramesToGemini, double CpuMicrosecondsPerFrame, WireFigures Wire)
{
    public static BotFigures Of(LoadReport ours) => new(
        ours.Connected, ours.CpuPercentOfCorePerConversation, ours.CpuPercentOfMachine, ours.EmulatorCpuPercentOfMachine,
        ours.WorkingSetMiBPerConversation, ours.WorkingSetMiB, ours.Traffic.FramesToGemini,
        PeerComparison.MicrosecondsPerFrame(TimeSpan.FromSeconds(ours.CpuPercentOfMachine / 100 * ours.ProcessorCount * ours.MeasuredSeconds), ours.Traffic.FramesToGemini, ours.Wire),
        ours.Wire);
}

/// <summary>One N of the sweep; <c>NodeCounters</c> is the Node peer's own counters over its whole run, as it reported them (JSON).</summary>
internal sealed record ComparisonRow(int N, BotFigures Ours, BotFigures Node, string NodeCounters);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<ComparisonRow>))]
internal sealed partial class PeerComparisonJson : JsonSerializerContext;
