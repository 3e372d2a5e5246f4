using Chorus.Gateway.Bridge;

namespace Chorus.Sandbox.Scenario;

/// <summary>What a sandbox run saw, whole or (stopped early) as far as it got.</summary>
public sealed record SandboxReport
{
    public string SpeechSource { get; init; } = "";

    /// <summary>How many turns were asked for; <see cref="Turns"/> holds those that were spoken.</summary>
    public int TurnsPlanned { get; init; }

    public IReadOnlyList<SandboxTurn> Turns { get; init; } = [];

    /// <summary>The turn under way when the run stopped early (null: none was).</summary>
    public int? TurnInProgress { get; init; }

    /// <summary>Default (count 0) when no conversation started.</summary>
    public LatencySummary Uplink { get; init; }
    public LatencySummary Downlink { get; init; }
    public LatencySummary SendInterval { get; init; }
    public LatencySummary ServerBargeIn { get; init; }
    public LatencySummary LocalBargeIn { get; init; }
    public long Interruptions { get; init; }
    public long LocalBargeIns { get; init; }
    /// <summary>The bot's answer to /settings show.</summary>
    public string? SettingsReply { get; init; }

    /// <summary>The bot's answer to /settings transcripts (turned on in the text channel before /join).</summary>
    public string? TranscriptsReply { get; init; }

    /// <summary>Transcript messages the bot posted in the text channel during the call.</summary>
    public int TranscriptsPosted { get; init; }

    public string? JoinReply { get; init; }
    public string? LeaveReply { get; init; }
    public string? StatusReply { get; init; }
    public string? PersonaReply { get; init; }

    /// <summary>The emulator recorded the new persona as the model's system instruction (null: not observable or not tried).</summary>
    public bool? PersonaReachedModel { get; init; }

    /// <summary>The answer after the change came from a model holding the new persona (null: not observable or not tried).</summary>
    public bool? PersonaInNextAnswer { get; init; }

    public bool LeftCleanly { get; init; }

    /// <summary>The call's voice privacy code as the scripted user saw it (null when the call had no DAVE).</summary>
    public string? PrivacyCode { get; init; }

    /// <summary>The DAVE epoch the conversation ended in.</summary>
    public ulong? DaveEpoch { get; init; }

    /// <summary>Stopped by its cancellation token (Ctrl+C) before the end.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Why the run could not go on, one line (null: it did not fail).</summary>
    public string? Failure { get; init; }

    /// <summary>Warnings and errors the bot logged: a normal run has none.</summary>
    public int BotProblems { get; init; }

    public string? FirstBotProblem { get; init; }

    /// <summary>Stalls of this process that Orleans' watchdog saw (a starved machine), and the longest.</summary>
    public int Stalls { get; init; }

    public TimeSpan LongestStall { get; init; }

    public bool EveryTurnAnswered => Turns.Count == TurnsPlanned && Turns.All(t => t.Answered);

    /// <summary>0: every turn answered and the bot left cleanly; 1: not; 130: stopped by Ctrl+C.</summary>
    public int ExitCode => Cancelled ? 130 : Failure is null && EveryTurnAnswered && LeftCleanly ? 0 : 1;
}
