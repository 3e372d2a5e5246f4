namespace Chorus.Sandbox.Scenario;

/// <summary>The report at the end of a run: each turn, the figures, and anything that went wrong.</summary>
public static class SandboxReportPrinter
{
    public static void Print(SandboxReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine();
        if (report.Cancelled)
        {
            output.WriteLine($"Stopped early: the report so far ({report.Turns.Count} of {report.TurnsPlanned} turns).");
        }

        if (report.SpeechSource.Length > 0)
        {
            output.WriteLine($"Speech: {report.SpeechSource}");
        }

        output.WriteLine("turn  said                                   speech   answered  response   answer   interrupted");
        foreach (var t in report.Turns)
        {
            var response = t.ResponseMs is { } ms ? $"{ms,7:0} ms" : "        -";
            output.WriteLine(
                $"{t.Number,4}  {t.Said,-37}  {t.SpeechSeconds,5:0.0} s  {(t.Answered ? "yes" : "NO"),-8}  {response}  {t.AnsweredSeconds,5:0.0} s   {(t.Interrupted ? "yes" : "no")}");
        }

        for (var number = report.Turns.Count + 1; number <= report.TurnsPlanned; number++)
        {
            output.WriteLine($"{number,4}  {(number == report.TurnInProgress ? "(stopped during this turn)" : "(not reached)")}");
        }

        output.WriteLine();
        output.WriteLine("figure                                   measured");
        output.WriteLine($"uplink (UDP in -> Gemini socket)         {Figure(report.Uplink)}");
        output.WriteLine($"downlink (Gemini message -> first RTP)   {Figure(report.Downlink)}");
        output.WriteLine($"send clock (interval between frames)     {Figure(report.SendInterval)}");
        output.WriteLine($"barge-in (interrupted -> last packet)    {Figure(report.ServerBargeIn)}");
        output.WriteLine($"local barge-in (detected -> last packet) {Figure(report.LocalBargeIn)}");
        output.WriteLine($"interruptions: {report.Interruptions} from the server, {report.LocalBargeIns} local");
        output.WriteLine($"persona changed mid-conversation: {Persona(report)}");
        output.WriteLine(report.TranscriptsReply is null
            ? "transcripts: not reached"
            : $"transcripts (turned on with /settings): {report.TranscriptsPosted} posted in the text channel");
        output.WriteLine(report.PrivacyCode is { } code
            ? $"end-to-end encrypted (DAVE): epoch {report.DaveEpoch}, voice privacy code {string.Join(' ', code.Chunk(5).Select(c => new string(c)))}"
            : "end-to-end encrypted (DAVE): NO");
        output.WriteLine($"left the channel cleanly: {(report.LeftCleanly ? "yes" : report.Cancelled && report.LeaveReply is null ? "no (stopped before /leave)" : "NO")}");
        if (report.Stalls > 0)
        {
            output.WriteLine(
                $"machine load: Orleans saw this process stalled {report.Stalls} time(s), the longest {report.LongestStall.TotalSeconds:0.0} s; figures may be inflated");
        }

        if (report.BotProblems > 0)
        {
            output.WriteLine($"bot warnings and errors: {report.BotProblems} (a normal run has none; --verbose shows them all). The first:");
            output.WriteLine("  " + report.FirstBotProblem);
        }

        if (report.Failure is { } failure)
        {
            output.WriteLine($"FAILED: {failure}");
        }

        var unanswered = report.Turns.Where(t => !t.Answered).Select(t => t.Number).ToList();
        output.WriteLine(report.ExitCode switch
        {
            0 => $"Result: every turn answered ({report.Turns.Count} of {report.TurnsPlanned}).",
            130 => "Result: stopped with Ctrl+C.",
            _ when unanswered.Count > 0 => $"Result: turn(s) {string.Join(", ", unanswered)} not answered.",
            _ => "Result: the conversation did not complete.",
        });
    }

    private static string Figure(Chorus.Gateway.Bridge.LatencySummary summary) => summary.Count > 0 ? summary.ToString() : "no data";

    private static string Persona(SandboxReport report) => (report.PersonaReply, report.PersonaReachedModel, report.PersonaInNextAnswer) switch
    {
        (null, _, _) => "not reached",
        (_, null, _) => "set; not observable outside the emulator",
        (_, false, _) => "set, but it did NOT reach the model",
        (_, true, true) => "reached the model and the next answer came from it",
        (_, true, false) => "reached the model, but the next answer came from the old one",
        (_, true, null) => "reached the model",
    };
}
