namespace Chorus.EndToEnd.Sandbox;

/// <summary>
/// The session-ending scenarios as CI runs them: the sandbox program in its own process, one PASS or FAIL line and
/// the exit code.
/// </summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class SessionEndingScenarioTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Gemini_key_revoked_posts_one_message_leaves_and_records_the_end_within_two_seconds()
    {
        using var sandbox = SandboxProcess.Start(["--scenario", "gemini-key-revoked"]);

        var exitCode = await sandbox.WaitForExitAsync(RunTimeout);

        var output = sandbox.Output;
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}\n{sandbox.Error}");
        Assert.Equal("", sandbox.Error);
        Assert.Matches(@"\nPASS gemini-key-revoked: message posted \d+ ms and bot left \d+ ms after the key was revoked; session Ended \(GeminiFailed\)", output);
        Assert.Contains("(the API key was refused)", output, StringComparison.Ordinal);
        SandboxOutput.AssertNoStackTrace(output);
    }

    [Fact]
    public async Task Session_limit_warns_then_ends_politely()
    {
        using var sandbox = SandboxProcess.Start(["--scenario", "session-limit"]);

        var exitCode = await sandbox.WaitForExitAsync(RunTimeout);

        var output = sandbox.Output;
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}\n{sandbox.Error}");
        Assert.Equal("", sandbox.Error);
        Assert.Matches(@"\nPASS session-limit: warned \d+\.\d s and ended \d+\.\d s after /join \(limit 8 s\); session Ended \(TimeLimit\)", output);
        var warning = output.IndexOf("seconds left: this conversation ends", StringComparison.Ordinal);
        var goodbye = output.IndexOf("reached this server's limit of 2 minutes", StringComparison.Ordinal);
        Assert.True(warning > 0 && goodbye > warning, "the warning, then the goodbye");
        SandboxOutput.AssertNoStackTrace(output);
    }

    [Fact]
    public async Task An_unknown_scenario_is_one_line_naming_the_known_ones_and_exit_code_2()
    {
        using var sandbox = SandboxProcess.Start(["--scenario", "bogus"]);

        var exitCode = await sandbox.WaitForExitAsync(RunTimeout);

        Assert.Equal(2, exitCode);
        Assert.Equal("", sandbox.Output);
        Assert.StartsWith("sandbox: --scenario: 'bogus' is not allowed; give one of ", sandbox.Error, StringComparison.Ordinal);
        Assert.Contains("gemini-key-revoked", sandbox.Error, StringComparison.Ordinal);
        Assert.Contains("session-limit", sandbox.Error, StringComparison.Ordinal);
    }
}
