using Chorus.Emulators.Gemini;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// <c>--scenario gemini-flaky</c>: the emulated service closes with 1011 after every third answered turn, and once
/// (after the sixth turn) refuses the resume with 1007, which forces a fresh session. PASS when every turn is
/// answered exactly once, the fresh session was seeded with the conversation and went on from it, and the bot
/// greeted only once, at the start.
/// </summary>
internal static class GeminiFlakyScenario
{
    public const string Name = "gemini-flaky";

    private const int Every = 3;
    private const int RefusedAfter = 6;

    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"Scenario {Name}: 1011 after every {Every} answered turns, the resume after turn {RefusedAfter} refused (1007); {GeminiContinuityRig.Turns} turns.");
        var result = await GeminiContinuityRig.RunAsync(new GeminiEmulatorOptions
        {
            InternalErrorEveryTurns = Every,
            RefuseResumeAfterTurns = RefusedAfter,
        }, output, cancellationToken);

        var seeded = result.Connections.Where(c => c.SeededAfterTurn is not null).ToList();
        var greetings = result.ServedTurns.Count(t => t.Greeting);
        output.WriteLine();
        output.WriteLine(result.TurnsLine);
        output.WriteLine(result.ResponseLine);
        output.WriteLine($"connections lost: {result.ConnectionsLost}; resumed: {result.Connections.Count(c => c.Resumed)}; " +
            $"resumes refused: {result.ResumesRefused}; fresh sessions seeded with the conversation: {result.SeededSessions} " +
            $"(the model went on after turn {(seeded.Count == 0 ? "-" : string.Join(", ", seeded.Select(c => c.SeededAfterTurn)))}); greetings: {greetings}");

        List<string> failures = [];
        if (!result.EveryTurnAnsweredOnce)
        {
            failures.Add(result.Failure is { } failure ? $"the conversation failed: {failure}" : "not every turn was answered exactly once");
        }

        if (result.ResumesRefused != 1 || seeded.Count != 1 || seeded[0].SeededAfterTurn != RefusedAfter)
        {
            failures.Add($"expected one refused resume followed by a session seeded after turn {RefusedAfter}");
        }

        if (!result.ServedTurns.Select(t => t.Number).SequenceEqual(Enumerable.Range(1, result.ServedTurns.Count)))
        {
            failures.Add("the model's turn numbers have a gap or a repeat: a session did not go on from the conversation");
        }

        if (greetings != 1)
        {
            failures.Add($"the bot greeted {greetings} times (once, at the start, expected)");
        }

        return GeminiContinuityResult.Verdict(output, Name, failures);
    }
}
