namespace Chorus.Sandbox.Scenario.Cluster;

/// <summary>
/// <c>--cluster</c>: the bot as a cluster of two silos and two gateways, one of which is killed (SIGKILL) in the middle
/// of the conversation. Prints each step as it happens, then the failover timeline, the turns and a PASS or FAIL line.
/// </summary>
public static class ClusterScenario
{
    /// <summary>Runs it; the report's <see cref="ClusterReport.ExitCode"/> is the process's.</summary>
    public static async Task<ClusterReport> RunAsync(TextWriter output, SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var synchronized = TextWriter.Synchronized(output);
        synchronized.WriteLine(
            $"Cluster: silo-1 and silo-2 (silo-only hosts in this process, Redis-free: development clustering and one SQLite store), "
            + $"gateway {ClusterRun.Survivor} in this process and gateway {ClusterRun.Victim} as a child process (dotnet Chorus.Gateway.dll), "
            + $"which is killed with SIGKILL mid-conversation.");
        var report = await new ClusterRun(synchronized, options).RunAsync(cancellationToken);
        Print(report, synchronized);
        return report;
    }

    private static void Print(ClusterReport report, TextWriter output)
    {
        output.WriteLine();
        if (report.Timeline.Count > 0)
        {
            output.WriteLine($"Failover timeline (from the kill; shard lease {report.LeaseDuration.TotalSeconds:0.#} s, renewed every {report.RenewalInterval.TotalSeconds:0.#} s):");
            foreach (var step in report.Timeline)
            {
                output.WriteLine($"  {(step.At < TimeSpan.Zero ? "-" : "+")}{Math.Abs(step.At.TotalSeconds),5:0.0} s  {step.What}");
            }

            output.WriteLine(report.Recovered
                ? $"  turns lost in the outage: {report.TurnsLostInOutage} (the user waits for the bot to be back in the call before talking on; the kill fell between turns, so none was cut)"
                : $"  turns lost in the outage: {report.TurnsLostInOutage} (the bot never came back; the user talked on regardless)");
            output.WriteLine();
        }

        output.WriteLine("turn  said                                   gateway  when         answered  response");
        foreach (var turn in report.Turns)
        {
            output.WriteLine($"{turn.Number,4}  {turn.Line,-37}  {turn.Gateway,-7}  {(turn.AfterKill ? "after kill" : "before kill"),-11}  "
                + $"{(turn.ResponseMs is null ? "NO" : "yes"),-8}  {(turn.ResponseMs is { } ms ? $"{ms,6:0} ms" : "     -")}");
        }

        if (report.BotProblems > 0)
        {
            // A gateway dying mid-call makes the cluster warn (a lost client, a dropped socket): counted, not failed.
            output.WriteLine($"bot warnings and errors in this process: {report.BotProblems} (first: {report.FirstBotProblem})");
        }

        output.WriteLine();
        output.WriteLine(report.Passed
            ? $"PASS cluster: {report.Turns.Count(t => t.AfterKill)} turn(s) after the kill answered by {ClusterRun.Survivor}, the Gemini conversation resumed with its stored handle"
            : $"FAIL cluster: {string.Join("; ", report.Failures)}");
    }
}
