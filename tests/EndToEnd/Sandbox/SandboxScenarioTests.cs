using Chorus.Sandbox.Scenario;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>The `sandbox` command's scenario: the real host, every emulator, a full conversation.</summary>
[EndToEnd]
public sealed class SandboxScenarioTests
{
    [Fact]
    public async Task A_full_conversation_through_slash_commands_voice_and_gemini()
    {
        var output = new StringWriter();

        var report = await SandboxScenario.RunAsync(output, TimeSpan.FromSeconds(30));

        Assert.StartsWith("Joined", report.JoinReply, StringComparison.Ordinal);
        Assert.Equal(3, report.Turns.Count);
        Assert.All(report.Turns, t => Assert.NotNull(t.ResponseMs));
        Assert.All(report.Turns, t => Assert.True(t.AnsweredSeconds > 0.5, $"turn {t.Number}: {t.AnsweredSeconds:0.0} s of answer"));
        Assert.True(report.Turns[^1].Interrupted, "the last answer was interrupted");
        Assert.True(report.Turns[^1].AnsweredSeconds < report.Turns[^1].SpeechSeconds, "the interrupted answer was cut short");
        Assert.True(report.LeftCleanly);
        Assert.True(report.Uplink.Count > 100);
        // The call is end-to-end encrypted as Discord requires: the epoch's 30-digit voice privacy code.
        Assert.Matches(@"^\d{30}$", report.PrivacyCode);
        Assert.True(report.DaveEpoch >= 1, $"epoch {report.DaveEpoch}");
        Assert.Contains("figure", output.ToString(), StringComparison.Ordinal);
    }
}
