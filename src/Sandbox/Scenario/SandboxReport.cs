using Chorus.Gateway.Bridge;

namespace Chorus.Sandbox.Scenario;

public sealed record SandboxReport(
    string SpeechSource,
    IReadOnlyList<SandboxTurn> Turns,
    LatencySummary Uplink,
    LatencySummary Downlink,
    LatencySummary SendInterval,
    LatencySummary ServerBargeIn,
    LatencySummary LocalBargeIn,
    long Interruptions,
    long LocalBargeIns,
    string JoinReply,
    string LeaveReply,
    bool LeftCleanly)
{
    /// <summary>The call's voice privacy code as the scripted user saw it (null when the call had no DAVE).</summary>
    public string? PrivacyCode { get; init; }

    /// <summary>The DAVE epoch the conversation ended in.</summary>
    public ulong? DaveEpoch { get; init; }
}
