namespace Chorus.Sandbox.Scenario.Cluster;

/// <summary>One thing the user said in the <c>--cluster</c> run, and whether the bot answered it.</summary>
/// <param name="Number">1-based.</param>
/// <param name="Line">What was said.</param>
/// <param name="Gateway">The gateway that ran the conversation when it was said.</param>
/// <param name="AfterKill">Said after the gateway was killed.</param>
/// <param name="ResponseMs">From the end of the speech to the first answer audio heard; null: unanswered.</param>
/// <param name="AnsweredAt">When the answer was first heard, from the kill (negative: before it).</param>
public sealed record ClusterTurn(int Number, string Line, string Gateway, bool AfterKill, double? ResponseMs, TimeSpan? AnsweredAt);

/// <summary>One step of the failover, timed from the kill (negative: before it).</summary>
public sealed record FailoverStep(TimeSpan At, string What);

/// <summary>What the <c>--cluster</c> run saw, for the printout and the exit code.</summary>
public sealed record ClusterReport
{
    public IReadOnlyList<ClusterTurn> Turns { get; init; } = [];

    /// <summary>The failover timeline, in order; empty when the run did not get as far as the kill.</summary>
    public IReadOnlyList<FailoverStep> Timeline { get; init; } = [];

    /// <summary>The lease timings the gateways and the lease grain used.</summary>
    public TimeSpan LeaseDuration { get; init; }

    public TimeSpan RenewalInterval { get; init; }

    /// <summary>Whether the killed gateway's conversation runs on the survivor again (its session live there).</summary>
    public bool Recovered { get; init; }

    /// <summary>Whether the session held a resumption handle when its gateway was killed.</summary>
    public bool HandleStored { get; init; }

    /// <summary>Whether the Gemini emulator saw a session set up with that handle after the kill.</summary>
    public bool ResumptionSeen { get; init; }

    /// <summary>Whether the emulator accepted that resumption (the same conversation, not a fresh one).</summary>
    public bool ResumptionAccepted { get; init; }

    /// <summary>Turns the user started while the bot was out of the call (the run waits for the rejoin: none when it comes).</summary>
    public int TurnsLostInOutage { get; init; }

    public bool LeftCleanly { get; init; }

    public bool Cancelled { get; init; }

    /// <summary>Why the run could not go on (a piece did not start, a wait ran out), or null.</summary>
    public string? Failure { get; init; }

    public int BotProblems { get; init; }

    public string? FirstBotProblem { get; init; }

    public bool Passed =>
        Failure is null && !Cancelled && Recovered && HandleStored && ResumptionSeen && ResumptionAccepted && TurnsLostInOutage == 0
        && Turns.Count > 0 && Turns.Any(t => t.AfterKill) && Turns.All(t => t.ResponseMs is not null);

    /// <summary>0: every turn answered and the conversation resumed on the survivor; 130: stopped; 1: anything else.</summary>
    public int ExitCode => Cancelled ? 130 : Passed ? 0 : 1;

    /// <summary>Why the run did not pass, one phrase each.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            if (Failure is not null)
            {
                failures.Add(Failure);
            }

            if (!Recovered)
            {
                failures.Add("the conversation never came back on the surviving gateway");
            }
            else if (!HandleStored)
            {
                failures.Add("the session held no resumption handle at the kill");
            }
            else if (!ResumptionSeen)
            {
                failures.Add("the Gemini emulator saw no resumption with the stored handle");
            }
            else if (!ResumptionAccepted)
            {
                failures.Add("the Gemini emulator refused the resumption (the conversation started afresh)");
            }

            var unanswered = Turns.Where(t => t.ResponseMs is null).Select(t => t.Number).ToList();
            if (unanswered.Count > 0)
            {
                failures.Add($"turn{(unanswered.Count == 1 ? "" : "s")} {string.Join(", ", unanswered)} unanswered");
            }

            if (TurnsLostInOutage > 0)
            {
                failures.Add($"{TurnsLostInOutage} turn(s) lost in the outage");
            }

            return failures;
        }
    }
}
