namespace Chorus.Sandbox;

/// <summary>What one sandbox run does, from its command line.</summary>
public sealed record SandboxOptions
{
    public const int DefaultTurns = 3;
    public const int MaxTurns = 20;

    /// <summary>Print the bot's own log lines (information and up) as they happen.</summary>
    public bool Verbose { get; init; }

    /// <summary>How many things the scripted user says; the last one is talked over.</summary>
    public int Turns { get; init; } = DefaultTurns;

    /// <summary>A Live endpoint to talk to instead of the built-in Gemini emulator (null: the emulator).</summary>
    public Uri? GeminiBaseUrl { get; init; }

    /// <summary>The key for <see cref="GeminiBaseUrl"/>. Secret: never printed.</summary>
    public string? GeminiApiKey { get; init; }

    /// <summary>A scripted failure or limit to run instead of the conversation (<c>--scenario NAME</c>); null: the conversation.</summary>
    public string? Scenario { get; init; }

    /// <summary>
    /// Run the bot as a cluster (two silos, two gateways) and kill the gateway running the conversation (<c>--cluster</c>)
    /// instead of the all-in-one conversation.
    /// </summary>
    public bool Cluster { get; init; }

    /// <summary>Test-only (no command-line option): false starts the surviving gateway unable to take the dead one's shard over.</summary>
    public bool ClusterSurvivorTakesOver { get; init; } = true;

    /// <summary>Test-only: how long the user waits for the bot to be back after the kill (null: a lease plus two step timeouts).</summary>
    public TimeSpan? ClusterRecoveryTimeout { get; init; }

    /// <summary>How long any one step (a command's reply, an answer, the bot's start) may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra <c>--Section:Key=value</c> settings for the bot (the secrets test turns logging up to Trace with them).</summary>
    public IReadOnlyList<string> HostArguments { get; init; } = [];

    public override string ToString() =>
        $"SandboxOptions {{ Verbose = {Verbose}, Turns = {Turns}, Scenario = {Scenario ?? (Cluster ? "cluster" : "conversation")}, GeminiBaseUrl = {GeminiBaseUrl?.ToString() ?? "emulator"} }}";
}
