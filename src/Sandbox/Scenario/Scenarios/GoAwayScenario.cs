using Chorus.Emulators.Gemini;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// <c>--scenario goaway</c>: the emulated service sends <c>goAway</c> with a realistic 10 s <c>timeLeft</c> 1.2 s
/// into every connection, again and again through a 30-turn conversation. PASS when every turn is answered
/// exactly once, no resume is refused, and no new socket opened before the old one closed.
/// </summary>
internal static class GoAwayScenario
{
    public const string Name = "goaway";

    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"Scenario {Name}: goAway (timeLeft 10 s) 1.2 s into every connection; {GeminiContinuityRig.Turns} turns.");
        var result = await GeminiContinuityRig.RunAsync(new GeminiEmulatorOptions
        {
            GoAwayAfter = TimeSpan.FromSeconds(1.2),
            GoAwayTimeLeft = TimeSpan.FromSeconds(10),
        }, output, cancellationToken);

        var gaps = result.HandoverGaps.Order().ToList();
        var refusedWhileHeld = result.Connections.Count(c => c.RefusedWhileHeld);
        var overlapping = 0;
        for (var i = 1; i < result.Connections.Count; i++)
        {
            if (result.Connections[i - 1].ClosedAt is not { } closed || result.Connections[i].OpenedAt < closed)
            {
                overlapping++;
            }
        }

        output.WriteLine();
        output.WriteLine(result.TurnsLine);
        output.WriteLine(result.ResponseLine);
        output.WriteLine($"handovers: {result.Handovers}; refused resumes: {result.ResumesRefused} (1011 while held: {refusedWhileHeld}); connections lost: {result.ConnectionsLost}");
        if (gaps.Count > 0)
        {
            output.WriteLine($"handover gap (last message on the old socket -> setupComplete on the new): p50 {gaps[gaps.Count / 2].TotalMilliseconds:0.0} ms, max {gaps[^1].TotalMilliseconds:0.0} ms over {gaps.Count}");
        }

        List<string> failures = [];
        if (!result.EveryTurnAnsweredOnce)
        {
            failures.Add(result.Failure is { } failure ? $"the conversation failed: {failure}" : "not every turn was answered exactly once");
        }

        if (result.Handovers < 3)
        {
            failures.Add($"only {result.Handovers} handovers happened (at least 3 expected)");
        }

        if (result.ResumesRefused > 0 || refusedWhileHeld > 0)
        {
            failures.Add($"{result.ResumesRefused + refusedWhileHeld} resumes refused");
        }

        if (overlapping > 0)
        {
            failures.Add($"{overlapping} sockets opened before the previous one closed");
        }

        return GeminiContinuityResult.Verdict(output, Name, failures);
    }
}
