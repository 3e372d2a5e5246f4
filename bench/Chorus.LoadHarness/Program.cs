using System.Diagnostics;
using System.Text.Json;
using Chorus.Gateway.Bridge;

namespace Chorus.LoadHarness;

/// <summary>
/// N concurrent conversations in this process, against one emulated voice server and one Gemini Live
/// emulator (echo mode), for the capacity and latency figures of the streaming bridge.
/// </summary>
public static class Program
{
    private static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> Main(string[] args)
    {
        if (args is ["large-call", .. var largeCallArgs])
        {
            return await LargeCall.RunAsync(largeCallArgs);
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(LoadHarnessOptions.Usage);
            return 0;
        }
        LoadHarnessOptions options;
        try
        {
            options = LoadHarnessOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(LoadHarnessOptions.Usage);
            return 2;
        }

        if (options.EmulatorRole)
        {
            return await EmulatorProcess.RunAsync(options);
        }

        if (options.Peer is not null)
        {
            using var stopComparison = new CancellationTokenSource();
            ConsoleCancelEventHandler onComparisonCancel = (_, e) =>
            {
                e.Cancel = true;
                stopComparison.Cancel();
            };
            Console.CancelKeyPress += onComparisonCancel;
            try
            {
                return await PeerComparison.RunAsync(options, stopComparison.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onComparisonCancel;
            }
        }

        if (options.Path == HarnessPath.Full)
        {
            return await FullPathMain.RunAsync(options);
        }

        // Ctrl+C ends the run early but still reports what was measured and closes every connection.
        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        LoadReport report;
        try
        {
            report = await RunAsync(options, interrupted.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        Console.WriteLine();
        Console.WriteLine(report.ToTable());
        if (options.Out is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, LoadReportJson.Default.LoadReport));
            Console.WriteLine($"JSON written to {path}");
        }
        return report.Connected == options.Conversations ? 0 : 1;
    }

    internal static async Task<LoadReport> RunAsync(LoadHarnessOptions options, CancellationToken interrupted)
    {
        string source;
        IEmulatorSide emulators;
        if (options.Split)
        {
            var remote = await RemoteEmulators.StartAsync(options.ChildArguments());
            source = remote.Utterance;
            emulators = remote;
        }
        else
        {
            (var utterance, source) = Utterance.Create(options.UtteranceSeconds, options.Chirp);
            Console.WriteLine($"Utterance: {source}, {utterance.Length / (double)Utterance.SampleRate:0.00} s");
            emulators = await InProcessEmulators.StartAsync(utterance, options);
        }

        var process = Process.GetCurrentProcess();
        var baseline = MemorySnapshot.Take(process);
        var bridgeOptions = new StreamingBridgeOptions { LocalBargeIn = options.LocalBargeIn };
        var conversations = new List<(int Index, LoadConversation Conversation)>();
        try
        {
            await ConnectAllAsync(options, emulators, bridgeOptions, conversations);
            Console.WriteLine($"Connected {conversations.Count}/{options.Conversations} conversations{(options.Split ? " (emulators in a child process)" : "")}");
            await emulators.StartTalkingAsync(conversations.Select(c => c.Index).ToList());

            await DelayUnlessInterruptedAsync(TimeSpan.FromSeconds(options.WarmupSeconds), interrupted);
            // The snapshot's full collection pauses the process: take it before the measuring window opens.
            var steady = MemorySnapshot.Take(process);
            var bridges = conversations.Select(c => c.Conversation).ToList();
            foreach (var conversation in bridges)
            {
                ResetLatency(conversation.Bridge.Latency);
            }
            await emulators.MarkWireAsync();

            var countersBefore = CounterTotals.Of(bridges);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var emulatorCpuBefore = emulators.SeparateProcessorTime;
            var gen0Before = GC.CollectionCount(0);
            var gen2Before = GC.CollectionCount(2);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var wakeupsBefore = Chorus.Discord.Voice.Send.VoicePacingClock.Shared.Wakeups;
            var wall = Stopwatch.StartNew();

            Console.WriteLine($"Measuring for {options.Seconds:0.#} s ({Chorus.Discord.Voice.Send.VoicePacingClock.Shared.RaisedThreads} pacing threads at raised priority)...");
            await DelayUnlessInterruptedAsync(TimeSpan.FromSeconds(options.Seconds), interrupted);

            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var emulatorCpu = emulators.SeparateProcessorTime - emulatorCpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var wakeups = Chorus.Discord.Voice.Send.VoicePacingClock.Shared.Wakeups - wakeupsBefore;
            var seconds = wall.Elapsed.TotalSeconds;
            var counters = CounterTotals.Of(bridges) - countersBefore;
            var n = Math.Max(1, bridges.Count);
            var latencies = bridges.Select(c => c.Bridge.Latency).ToList();
            var wire = await emulators.WireFiguresAsync();

            var overhead = options.MetricsOverhead
                ? await MetricsOverhead.MeasureAsync(bridges.Count, options.Seconds, rounds: 2, interrupted)
                : null;
            return new LoadReport
            {
                MetricsOverhead = overhead,
                Conversations = options.Conversations,
                Connected = bridges.Count,
                MeasuredSeconds = seconds,
                Utterance = source,
                EmulatorsInProcess = !options.Split,
                EndToEndEncrypted = options.Dave,
                ProcessorCount = Environment.ProcessorCount,
                UplinkMs = MergedLatency.Merge(latencies.Select(l => l.Uplink)),
                DownlinkMs = MergedLatency.Merge(latencies.Select(l => l.Downlink)),
                ServerBargeInMs = MergedLatency.Merge(latencies.Select(l => l.ServerBargeIn)),
                LocalBargeInMs = MergedLatency.Merge(latencies.Select(l => l.LocalBargeIn)),
                SendIntervalMs = MergedLatency.Merge(latencies.Select(l => l.SendInterval)),
                ResponseMs = MergedLatency.Merge(latencies.Select(l => l.Response)),
                Drops = counters.Drops,
                Traffic = counters.Traffic,
                CpuPercentOfCorePerConversation = cpu.TotalSeconds / seconds / n * 100,
                CpuPercentOfMachine = cpu.TotalSeconds / seconds / Environment.ProcessorCount * 100,
                EmulatorCpuPercentOfMachine = emulatorCpu is { } e ? e.TotalSeconds / seconds / Environment.ProcessorCount * 100 : null,
                // Footprint once every conversation is up and talking, before the emulators' recordings grow.
                WorkingSetMiBPerConversation = (steady.WorkingSet - baseline.WorkingSet) / n / 1048576.0,
                GcHeapMiBPerConversation = (steady.GcHeap - baseline.GcHeap) / n / 1048576.0,
                WorkingSetMiB = steady.WorkingSet / 1048576.0,
                WorkingSetDeltaMiB = (steady.WorkingSet - baseline.WorkingSet) / 1048576.0,
                GcHeapDeltaMiB = (steady.GcHeap - baseline.GcHeap) / 1048576.0,
                Gen0Collections = GC.CollectionCount(0) - gen0Before,
                Gen2Collections = GC.CollectionCount(2) - gen2Before,
                Wire = wire,
                CpuMicrosecondsPerPacket = cpu.TotalMicroseconds / Math.Max(1, counters.Traffic.PacketsHandled),
                AllocatedBytesPerPacket = allocated / (double)Math.Max(1, counters.Traffic.PacketsHandled),
                PacingWakeupsPerSecond = wakeups / seconds,
            };
        }
        finally
        {
            await emulators.StopTalkingAsync();
            await DisposeAllAsync(conversations.Select(c => c.Conversation).ToList());
            await emulators.DisposeAsync();
        }
    }

    private static async Task ConnectAllAsync(
        LoadHarnessOptions options, IEmulatorSide emulators, StreamingBridgeOptions bridgeOptions, List<(int, LoadConversation)> conversations)
    {
        using var slots = new SemaphoreSlim(options.ConnectParallelism);
        var connecting = Enumerable.Range(0, options.Conversations).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                var conversation = await LoadConversation.ConnectAsync(emulators.CredentialsFor(i), emulators.GeminiBaseUri, bridgeOptions, options.Dave, CancellationToken.None);
                lock (conversations)
                {
                    conversations.Add((i, conversation));
                }
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"Conversation {i} did not connect: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        await Task.WhenAll(connecting);
    }

    private static async Task DisposeAllAsync(List<LoadConversation> conversations)
    {
        var closing = conversations.Select(async c =>
        {
            try
            {
                await c.DisposeAsync().AsTask().WaitAsync(TeardownTimeout);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"A conversation did not close cleanly: {ex.GetType().Name}: {ex.Message}");
            }
        });
        await Task.WhenAll(closing);
    }

    private static async Task DelayUnlessInterruptedAsync(TimeSpan delay, CancellationToken interrupted)
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

    private static void ResetLatency(BridgeLatency latency)
    {
        latency.Uplink.Reset();
        latency.Downlink.Reset();
        latency.ServerBargeIn.Reset();
        latency.LocalBargeIn.Reset();
        latency.SendInterval.Reset();
        latency.Response.Reset();
    }
}
