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
    bool LeftCleanly);
