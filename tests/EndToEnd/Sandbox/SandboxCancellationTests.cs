using Chorus.Sandbox;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>Ctrl+C in the sandbox: the run stops where it is and the report so far is printed, exit code 130.</summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class SandboxCancellationTests
{
    [Fact]
    public async Task Cancelling_mid_run_prints_the_partial_report_and_exits_130_without_a_stack_trace()
    {
        // The first answer has been heard in full: cancel there, as a person pressing Ctrl+C would.
        var output = new SignallingWriter("finished its answer");
        using var cancel = new CancellationTokenSource();
        var run = Program.RunAsync([], output, TextWriter.Null, cancel.Token);

        await output.Seen.WaitAsync(TimeSpan.FromSeconds(90));
        await cancel.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(60));

        var text = output.ToString();
        Assert.Equal(130, exitCode);
        Assert.Contains("stopped (Ctrl+C); the report so far follows", text, StringComparison.Ordinal);
        Assert.Matches(@"Stopped early: the report so far \([12] of 3 turns\)", text);
        Assert.Matches(@"\n\s+1  Hello there, can you hear me\?\s+\d+\.\d s  yes ", text);
        Assert.Contains("   3  (not reached)", text, StringComparison.Ordinal);
        Assert.Contains("uplink (UDP in -> Gemini socket)         n=", text, StringComparison.Ordinal);
        Assert.Contains("Result: stopped with Ctrl+C.", text, StringComparison.Ordinal);
        SandboxOutput.AssertNoStackTrace(text);
    }
}
