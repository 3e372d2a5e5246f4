namespace Chorus.EndToEnd.Sandbox;

/// <summary>The sandbox program itself, in its own process, as `dotnet run --project src/Sandbox` runs it.</summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class SandboxProgramTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_normal_run_prints_no_warning_error_or_stack_trace()
    {
        using var sandbox = SandboxProcess.Start([]);

        var exitCode = await sandbox.WaitForExitAsync(RunTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{sandbox.Output}\n{sandbox.Error}");
        Assert.Equal("", sandbox.Error);
        Assert.Contains("Result: every turn answered (3 of 3).", sandbox.Output, StringComparison.Ordinal);
        SandboxOutput.AssertClean(sandbox.Output);
    }

    [Fact]
    public async Task An_unknown_option_is_one_line_on_standard_error_and_exit_code_2()
    {
        using var sandbox = SandboxProcess.Start(["--turns", "2", "--colour"]);

        var exitCode = await sandbox.WaitForExitAsync(RunTimeout);

        Assert.Equal(2, exitCode);
        Assert.Equal("", sandbox.Output);
        Assert.Equal(
            "sandbox: unknown option '--colour'; allowed: --turns N (1-20), --verbose, --Gemini:BaseUrl=URL, --Gemini:ApiKey=KEY, --scenario NAME, --cluster, --help"
            + Environment.NewLine,
            sandbox.Error);
    }

    [Fact]
    public async Task Ctrl_C_prints_the_report_so_far_and_exits_130_without_a_stack_trace()
    {
        // Eight turns: the first answer's marker reaches this test long before the run could end by itself, even when
        // a loaded machine delays this test's continuation by seconds (once the run ended first: exit 0, not 130).
        using var sandbox = SandboxProcess.Start(["--turns", "8"], marker: "finished its answer");
        await sandbox.Seen.WaitAsync(RunTimeout);

        await sandbox.InterruptAsync();
        var exitCode = await sandbox.WaitForExitAsync(RunTimeout);

        var output = sandbox.Output;
        Assert.True(exitCode == 130, $"exit code {exitCode}:\n{output}\n{sandbox.Error}");
        Assert.Equal("", sandbox.Error);
        Assert.Matches(@"Stopped early: the report so far \([1-7] of 8 turns\)", output);
        Assert.Matches(@"\n\s+1  Hello there, can you hear me\?\s+\d+\.\d s  yes ", output);
        Assert.Contains("Result: stopped with Ctrl+C.", output, StringComparison.Ordinal);
        SandboxOutput.AssertNoStackTrace(output);
    }
}
