using System.Globalization;

namespace Chorus.LoadHarness;

/// <summary>Command line of the load harness.</summary>
internal sealed record LoadHarnessOptions
{
    public int Conversations { get; init; } = 1;

    /// <summary>Measured run time, after every conversation is connected and warmed up.</summary>
    public double Seconds { get; init; } = 30;

    /// <summary>
    /// Run before measuring. Tiered compilation is still recompiling the hot paths for a few seconds after 100 conversations
    /// start: with 3 s the JIT itself was 6-8 % of the bot's CPU samples in the window, and CPU per conversation read ~15 %
    /// high against a steady state.
    /// </summary>
    public double WarmupSeconds { get; init; } = 8;

    /// <summary>Length of each utterance the scripted users speak.</summary>
    public double UtteranceSeconds { get; init; } = 1.5;

    /// <summary>Every Nth utterance starts while the bot still answers, to measure barge-in (0: never).</summary>
    public int InterruptEvery { get; init; } = 4;

    public bool LocalBargeIn { get; init; } = true;

    /// <summary>Conversations connected at once while setting up.</summary>
    public int ConnectParallelism { get; init; } = 8;

    public string? Out { get; init; }

    public bool Chirp { get; init; }

    /// <summary>End-to-end encrypted calls (DAVE), as Discord requires: the bots and the scripted users are MLS members.</summary>
    public bool Dave { get; init; }

    /// <summary>Emulators and scripted users in a child process, so this process's CPU and memory are the bots' alone.</summary>
    public bool Split { get; init; }

    /// <summary><c>--peer node</c>: run ours and the Node peer (bench/NodePeer) at each N of <see cref="Sweep"/>, side by side.</summary>
    public string? Peer { get; init; }

    /// <summary>The conversation counts of a <see cref="Peer"/> comparison.</summary>
    public IReadOnlyList<int> Sweep { get; init; } = [1, 10, 50, 100];

    /// <summary>Where bench/NodePeer is (found above the harness or the current directory when not given).</summary>
    public string? PeerDirectory { get; init; }

    /// <summary>Set on the child of <see cref="Split"/>.</summary>
    public bool EmulatorRole { get; init; }

    /// <summary>After the measuring window, alternate windows without and with OpenTelemetry collecting the instruments.</summary>
    public bool MetricsOverhead { get; init; }

    /// <summary><c>--path full</c>: through the bot's real hosts in child processes (<see cref="FullPathRun"/>).</summary>
    public HarnessPath Path { get; init; } = HarnessPath.Bare;

    /// <summary>With <see cref="Path"/> full: 1, the all-in-one host; 2, a silo and two gateway processes.</summary>
    public int Gateways { get; init; } = 1;

    /// <summary>With <see cref="Path"/> full: then the bare pipeline at the same N, and the ratio of CPU per conversation.</summary>
    public bool CompareBare { get; init; }

    /// <summary>The options the emulator child needs, as arguments.</summary>
    public IEnumerable<string> ChildArguments()
    {
        var c = CultureInfo.InvariantCulture;
        string[] args =
        [
            "--conversations", Conversations.ToString(c), "--seconds", Seconds.ToString(c), "--warmup", WarmupSeconds.ToString(c),
            "--utterance", UtteranceSeconds.ToString(c), "--interrupt-every", InterruptEvery.ToString(c),
        ];
        if (Chirp)
        {
            args = [.. args, "--chirp"];
        }

        return Dave ? [.. args, "--dave"] : args;
    }

    public static LoadHarnessOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadHarnessOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--conversations" or "-n" => options with { Conversations = PositiveInt(Next()) },
                "--seconds" or "-s" => options with { Seconds = PositiveDouble(Next()) },
                "--warmup" => options with { WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--utterance" => options with { UtteranceSeconds = PositiveDouble(Next()) },
                "--interrupt-every" => options with { InterruptEvery = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--no-local-barge-in" => options with { LocalBargeIn = false },
                "--connect-parallelism" => options with { ConnectParallelism = PositiveInt(Next()) },
                "--out" or "-o" => options with { Out = Next() },
                "--chirp" => options with { Chirp = true },
                "--dave" => options with { Dave = true },
                "--split" => options with { Split = true },
                "--peer" => Next() == "node" ? options with { Peer = "node" } : throw new ArgumentException("--peer takes: node"),
                "--sweep" => options with { Sweep = [.. Next().Split(',').Select(PositiveInt)] },
                "--peer-dir" => options with { PeerDirectory = Next() },
                "--metrics-overhead" => options with { MetricsOverhead = true },
                "--path" => Next() switch
                {
                    "bare" => options with { Path = HarnessPath.Bare },
                    "full" => options with { Path = HarnessPath.Full },
                    _ => throw new ArgumentException("--path takes: bare, full"),
                },
                "--gateways" => Next() switch
                {
                    "1" => options with { Gateways = 1 },
                    "2" => options with { Gateways = 2 },
                    _ => throw new ArgumentException("--gateways takes: 1, 2"),
                },
                "--compare-bare" => options with { CompareBare = true },
                "--role" => Next() == "emulators" ? options with { EmulatorRole = true } : throw new ArgumentException("--role takes: emulators"),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return options;
    }

    public const string Usage =
        """
        Chorus load harness: N concurrent conversations (emulated voice + Gemini Live echo) through the streaming bridge.
          --conversations, -n N     concurrent conversations (default 1)
          --seconds, -s S           measured seconds after warm-up (default 30)
          --warmup S                seconds run before measuring (default 8: tiered compilation settles)
          --utterance S             length of each utterance (default 1.5)
          --interrupt-every K       every Kth utterance interrupts the bot's answer (default 4, 0 = never)
          --no-local-barge-in       only the server's `interrupted` stops playback
          --connect-parallelism P   conversations connected at once (default 8)
          --chirp                   speak a synthetic chirp even when espeak-ng is on PATH
          --dave                    end-to-end encrypted calls (DAVE), as Discord requires
          --split                   emulators and scripted users in a child process: CPU and memory are the bots' alone
          --peer node               ours and the Node peer (bench/NodePeer: @discordjs/voice + davey) at each N of --sweep, side by side
          --sweep N,N,...           conversation counts of --peer (default 1,10,50,100; --conversations is ignored)
          --peer-dir DIR            bench/NodePeer, when not found above the harness or the current directory
          --metrics-overhead        then CPU per conversation without and with OpenTelemetry collecting Chorus.* (2 rounds of S s each)
          --path bare|full          bare (default): the pipeline in this process; full: the bot's real hosts as child processes
                                    (the build output of the harness's own configuration), /join per guild, DAVE on
          --gateways 1|2            with --path full: the all-in-one host (1), or a silo + two gateway processes of one shard each (2)
          --compare-bare            with --path full: then the bare pipeline (--split --dave) at the same N, and the CPU ratio
          --out, -o FILE            also write the results as JSON
        """;

    private static int PositiveInt(string text) =>
        int.Parse(text, CultureInfo.InvariantCulture) is var v and > 0 ? v : throw new ArgumentException($"{text} must be positive.");

    private static double PositiveDouble(string text) =>
        double.Parse(text, CultureInfo.InvariantCulture) is var v and > 0 ? v : throw new ArgumentException($"{text} must be positive.");
}

internal enum HarnessPath
{
    Bare,
    Full,
}
