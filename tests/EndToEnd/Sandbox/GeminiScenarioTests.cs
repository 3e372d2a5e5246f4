using Chorus.Sandbox;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>The Gemini continuity scenarios of the sandbox pass against the strict emulator.</summary>
[EndToEnd]
public sealed class GeminiScenarioTests
{
    [Theory]
    [InlineData("goaway")]
    [InlineData("gemini-flaky")]
    public async Task The_scenario_passes_and_says_so_last_with_exit_code_0(string scenario)
    {
        var output = new StringWriter();

        var exitCode = await Program.RunAsync(["--scenario", scenario], output, TextWriter.Null, TestContext.Current.CancellationToken);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());
        Assert.Equal($"PASS {scenario}", lines[^1]);
        Assert.Equal(0, exitCode);
        var turns = Assert.Single(lines, l => l.StartsWith("turns answered: ", StringComparison.Ordinal));
        Assert.StartsWith("turns answered: 30 of 30 spoken; the model answered ", turns, StringComparison.Ordinal);
        Assert.Contains("the client heard 30 turn ends", turns, StringComparison.Ordinal);
    }
}
