using Chorus.Emulators.Gemini;
using Chorus.Sandbox;
using Chorus.Sandbox.Scenario;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>--Gemini:BaseUrl: the same conversation against another Live endpoint (here a second emulator the sandbox does not own).</summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class SandboxEndpointTests
{
    [Fact]
    public async Task The_conversation_runs_against_the_endpoint_given_with_its_key()
    {
        await using var other = await GeminiLiveEmulator.StartAsync(
            new GeminiEmulatorOptions { ApiKey = "another-key", SpeechEndSilence = TimeSpan.FromMilliseconds(500) }, CancellationToken.None);
        var output = new StringWriter();

        var report = await SandboxScenario.RunAsync(output, new SandboxOptions { Turns = 1, GeminiBaseUrl = other.BaseUri, GeminiApiKey = "another-key" });

        Assert.True(report.ExitCode == 0, output.ToString());
        var turn = Assert.Single(report.Turns);
        Assert.True(turn.Answered);
        Assert.NotEmpty(other.Recording.Turns);
        Assert.All(other.Recording.Connections, c => Assert.True(c.KeyInHeader));
        // Outside the emulator the sandbox cannot see the model's instruction, and says so.
        Assert.Null(report.PersonaReachedModel);
        Assert.Contains("not observable outside the emulator", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("another-key", output.ToString(), StringComparison.Ordinal);
    }
}
