namespace Chorus.Silo.Tests;

/// <summary>TestSupport's ChildProcess, the wrapper of every silo, gateway and redis-server these tests start.</summary>
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Exited_completes_with_the_exit_code_once_all_the_output_is_in()
    {
        // The tests read Output right after the exit (StartupMessageTests): none of it may still be in the pipe.
        await using var process = Shell("i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done; exit 3");

        var exitCode = await Wait.ForAsync(process.Exited, Timeout, "the shell to exit");

        Assert.Equal(3, exitCode);
        Assert.True(process.HasExited);
        Assert.Equal(20000, process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("line19999", process.Output.TrimEnd());
    }

    [Fact]
    public async Task A_wait_for_a_line_fails_at_once_with_the_output_when_the_process_exits_first()
    {
        await using var process = Shell("echo starting; exit 4");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => process.WaitForLineAsync(l => l.Contains("never", StringComparison.Ordinal), Timeout, "a line never printed"));

        Assert.Contains("sh exited with code 4 before a line never printed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("starting", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_printed_just_before_the_exit_is_found()
    {
        await using var process = Shell("echo one; echo ready; exit 0");

        var line = await process.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), Timeout, "ready");

        Assert.Equal("ready", line);
    }

    [Fact]
    public async Task StopAsync_sends_SIGTERM_and_returns_the_exit_code_of_the_graceful_stop()
    {
        await using var process = Shell("trap 'echo stopping; exit 7' TERM; echo ready; while :; do sleep 0.05; done");
        await process.WaitForLineAsync(l => l == "ready", Timeout, "ready");

        var exitCode = await process.StopAsync(Timeout);

        Assert.Equal(7, exitCode);
        Assert.Contains("stopping", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillHardAsync_ends_the_process_without_its_handlers()
    {
        await using var process = Shell("trap 'echo stopping; exit 7' TERM; echo ready; while :; do sleep 0.05; done");
        await process.WaitForLineAsync(l => l == "ready", Timeout, "ready");

        var exitCode = await process.KillHardAsync(Timeout);

        Assert.Equal(128 + 9, exitCode);
        Assert.DoesNotContain("stopping", process.Output, StringComparison.Ordinal);
    }

    private static ChildProcess Shell(string script) =>
        ChildProcess.Start("sh", "/bin/sh", ["-c", script], new Dictionary<string, string>(), Path.GetTempPath());
}
