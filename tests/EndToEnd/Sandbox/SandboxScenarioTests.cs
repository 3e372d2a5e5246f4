using Chorus.Sandbox.Scenario;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>One normal sandbox run, shared by the tests that look at it (a run takes ~20 s).</summary>
public sealed class SandboxRunFixture : IAsyncLifetime
{
    public SandboxReport Report { get; private set; } = null!;

    public string Output { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var output = new StringWriter();
        Report = await SandboxScenario.RunAsync(output);
        Output = output.ToString();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The `sandbox` command's scenario: the real host, every emulator, a full conversation.</summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class SandboxScenarioTests(SandboxRunFixture run) : IClassFixture<SandboxRunFixture>
{
    [Fact]
    public void A_full_conversation_through_slash_commands_voice_and_gemini()
    {
        var report = run.Report;

        Assert.True(report.Failure is null, report.Failure);
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
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("figure", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_persona_set_mid_conversation_reaches_the_model_before_the_next_answer()
    {
        var report = run.Report;

        Assert.StartsWith("Persona updated", report.PersonaReply, StringComparison.Ordinal);
        Assert.True(report.PersonaReachedModel, "the emulator recorded the new persona as the system instruction");
        Assert.True(report.PersonaInNextAnswer, "the answer after the change came from the model holding the new persona");
        Assert.Contains($"system instruction is now \"{SandboxScenario.Persona}\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_is_asked_and_its_reply_printed()
    {
        Assert.StartsWith("**Session**", run.Report.StatusReply, StringComparison.Ordinal);
        Assert.Contains("/status", run.Output, StringComparison.Ordinal);
        Assert.Contains("-> Session:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_are_shown_and_transcripts_turned_on_with_them_are_posted()
    {
        var report = run.Report;
        Assert.Contains("**Transcripts**: off", report.SettingsReply, StringComparison.Ordinal);
        Assert.Contains("**Who may stop or move me**", report.SettingsReply, StringComparison.Ordinal);
        Assert.StartsWith($"Transcripts will be posted in <#{SandboxScenario.TextChannelId}>.", report.TranscriptsReply, StringComparison.Ordinal);
        Assert.True(report.TranscriptsPosted >= 1, $"{report.TranscriptsPosted} transcripts posted");
        var timeline = run.Output[..run.Output.IndexOf("turn  said", StringComparison.Ordinal)];
        Assert.True(
            timeline.IndexOf("/settings show", StringComparison.Ordinal) < timeline.IndexOf("/settings transcripts", StringComparison.Ordinal)
            && timeline.IndexOf("/settings transcripts", StringComparison.Ordinal) < timeline.IndexOf("/join", StringComparison.Ordinal),
            timeline);
        Assert.Contains("posts the transcript in #general: \"Heard: user turn 1", timeline, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_turn_is_printed_as_it_happens_before_the_report()
    {
        var output = run.Output;
        var reportStarts = output.IndexOf("turn  said", StringComparison.Ordinal);
        Assert.True(reportStarts > 0, output);
        var timeline = output[..reportStarts];
        Assert.Contains("says \"Hello there, can you hear me?\"", timeline, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(timeline, "ms after the user stopped"));
        Assert.Contains("talks over the answer", timeline, StringComparison.Ordinal);
        Assert.Contains("stops talking: interrupted", timeline, StringComparison.Ordinal);
        Assert.True(
            timeline.IndexOf("stops talking", StringComparison.Ordinal) < timeline.IndexOf("/status", StringComparison.Ordinal),
            "the interruption is printed when it happens");
    }

    [Fact]
    public void The_report_and_the_timeline_carry_no_stack_trace()
    {
        // In this test host (workstation GC) Orleans notes that server GC is off, so "no warning at all" is
        // asserted on the real program (SandboxProgramTests).
        SandboxOutput.AssertNoStackTrace(run.Output);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
