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

    /// <summary>Which scenario runs: <c>conversation</c> (the default) or one of <see cref="SandboxCommandLine.Scenarios"/>.</summary>
    public string Scenario { get; init; } = SandboxCommandLine.ConversationScenario;

    /// <summary>How long any one step (a command's reply, an answer, the bot's start) may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public override string ToString() =>
        $"SandboxOptions {{ Scenario = {Scenario}, Verbose = {Verbose}, Turns = {Turns}, GeminiBaseUrl = {GeminiBaseUrl?.ToString() ?? "emulator"} }}";
}
