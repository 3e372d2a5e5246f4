using System.Globalization;
using System.Text.RegularExpressions;
using Chorus.Sandbox;
using Chorus.Sandbox.Scenario.Cluster;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>
/// <c>dotnet run --project src/Sandbox -- --cluster</c>: two silos and gateway gw-b in the sandbox process, gateway gw-a
/// (the conversation's) a child process killed with SIGKILL between turns. gw-b must take gw-a's shard over once its
/// lease lapses, rejoin the call and resume the Gemini conversation with its stored handle, and answer every turn after.
/// </summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed partial class ClusterSandboxTests(ITestOutputHelper log)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Killing_the_conversations_gateway_hands_the_call_to_the_other_which_resumes_it_and_answers_every_turn()
    {
        using var cancellation = new CancellationTokenSource(RunTimeout);
        var output = new StringWriter();

        var exitCode = await Program.RunAsync(["--cluster"], output, TextWriter.Null, cancellation.Token);

        var text = output.ToString();
        log.WriteLine(text);
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{text}");
        var steps = Timeline(text);
        var killed = At(steps, "gw-a killed (SIGKILL");
        var takenOver = At(steps, "lease found lapsed, taken over by gw-b");
        var ready = At(steps, "identified by gw-b, READY");
        var rejoined = At(steps, "gw-b rejoined the call");
        var resumed = At(steps, "session resumed with the stored handle; the emulator accepted it");
        var heard = At(steps, "first answer audible again");
        Assert.Equal(0.0, killed);
        // The dead gateway's lease runs out first: nobody takes a shard whose owner could still be alive.
        Assert.True(takenOver >= At(steps, "lease lapses"), text);
        Assert.True(killed < takenOver && takenOver <= ready && ready <= rejoined && rejoined <= heard, text);
        Assert.True(resumed <= heard, text);
        Assert.Matches(@"\n\s+1  Hello there, can you hear me\?\s+gw-a\s+before kill\s+yes ", text);
        Assert.Matches(@"\n\s+3  What a lovely day it is today\.\s+gw-b\s+after kill\s+yes ", text);
        Assert.Contains("turns lost in the outage: 0", text, StringComparison.Ordinal);
        Assert.StartsWith("PASS cluster:", text.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_no_gateway_takes_the_dead_ones_shard_over_the_turn_after_the_kill_goes_unanswered_and_the_run_fails()
    {
        using var cancellation = new CancellationTokenSource(RunTimeout);
        var output = new StringWriter();
        var options = new SandboxOptions
        {
            Cluster = true,
            Turns = 2,
            ClusterSurvivorTakesOver = false,
            ClusterRecoveryTimeout = TimeSpan.FromSeconds(20),
            StepTimeout = TimeSpan.FromSeconds(10),
        };

        var report = await ClusterScenario.RunAsync(output, options, cancellation.Token);

        var text = output.ToString();
        log.WriteLine(text);
        Assert.Equal(1, report.ExitCode);
        Assert.False(report.Recovered, text);
        Assert.NotNull(report.Turns[0].ResponseMs);
        Assert.Null(report.Turns[1].ResponseMs);
        Assert.Equal(1, report.TurnsLostInOutage);
        Assert.Contains("the conversation is not back on gw-b after 20 s", text, StringComparison.Ordinal);
        Assert.Contains("turns lost in the outage: 1 (the bot never came back", text, StringComparison.Ordinal);
        Assert.StartsWith("FAIL cluster: the conversation never came back on the surviving gateway; turn 2 unanswered", text.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    private static List<(double At, string What)> Timeline(string text) =>
    [
        .. TimelineLine().Matches(text).Select(m => (
            double.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture) * (m.Groups["sign"].Value == "-" ? -1 : 1),
            m.Groups["what"].Value)),
    ];

    private static double At(List<(double At, string What)> steps, string what)
    {
        var found = steps.Where(s => s.What.Contains(what, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, $"timeline steps containing '{what}': {found.Count}");
        return found[0].At;
    }

    [GeneratedRegex(@"^  (?<sign>[+-])\s*(?<at>\d+\.\d) s  (?<what>.+?)\r?$", RegexOptions.Multiline)]
    private static partial Regex TimelineLine();
}
