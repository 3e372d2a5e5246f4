using Chorus.Sandbox.Scenario;
using Microsoft.Extensions.Logging;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>The bot's log in a sandbox run: silent unless something is wrong, and then it says so in the report.</summary>
public sealed class SandboxReportTests
{
    [Fact]
    public void A_warning_of_the_bot_is_counted_and_the_first_one_shown_in_the_report_without_its_stack_trace()
    {
        var log = new SandboxLog(echo: null);
        var logger = log.CreateLogger("Chorus.Gateway.Sessions.SessionLeaseKeeper");
        logger.LogInformation("conversation started");
        logger.LogWarning(Thrown(), "handling Leave failed for guild {GuildId}", 42);
        logger.LogError("second problem");
        var output = new StringWriter();

        SandboxReportPrinter.Print(new SandboxReport { TurnsPlanned = 3, BotProblems = log.Problems, FirstBotProblem = log.FirstProblem }, output);

        Assert.Equal(2, log.Problems);
        Assert.Equal(
            "Warning Chorus.Gateway.Sessions.SessionLeaseKeeper: handling Leave failed for guild 42 (TaskCanceledException: A task was canceled.)",
            log.FirstProblem);
        Assert.Contains("bot warnings and errors: 2", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output.ToString(), StringComparison.Ordinal);
        // The check the normal-run test relies on sees this report for what it is.
        Assert.ThrowsAny<Exception>(() => SandboxOutput.AssertClean(output.ToString()));
    }

    [Fact]
    public void Orleans_watchdog_stalls_count_as_machine_load_and_a_stall_longer_than_the_process_is_dropped()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var log = new SandboxLog(echo: null, time);
        time.Advance(TimeSpan.FromSeconds(10));
        var watchdog = log.CreateLogger("Orleans.Runtime.Watchdog");

        // What Orleans logs when its first check runs against timestamp 0: the machine's uptime.
        watchdog.Log(LogLevel.Warning, default, Values(TimeSpan.FromMinutes(85)), null, (_, _) => "Participant check thread has not completed for 01:25:00");
        watchdog.Log(LogLevel.Warning, default, Values(TimeSpan.FromSeconds(3)), null, (_, _) => ".NET Runtime Platform stalled for 00:00:03");

        Assert.Equal(0, log.Problems);
        Assert.Equal((1, TimeSpan.FromSeconds(3)), log.Stalls);
    }

    [Fact]
    public void A_grain_turn_slowed_by_a_starved_machine_counts_as_a_stall_not_as_a_bot_warning()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var log = new SandboxLog(echo: null, time);
        time.Advance(TimeSpan.FromSeconds(10));
        var scheduler = log.CreateLogger("Orleans.Runtime.Scheduler.WorkItemGroup");

        List<KeyValuePair<string, object?>> values = [new("Duration", TimeSpan.FromSeconds(1.06)), new("MaxTurnDuration", TimeSpan.FromMilliseconds(200))];
        scheduler.Log(LogLevel.Warning, default, values, null, (_, _) => "Task System.Action in WorkGroup [...] took elapsed time 0:00:01.06 for execution");
        log.CreateLogger("Chorus.Gateway").LogWarning("a real warning");

        Assert.Equal((1, TimeSpan.FromSeconds(1.06)), log.Stalls);
        Assert.Equal(1, log.Problems);
    }

    [Fact]
    public void With_verbose_every_line_is_printed()
    {
        var output = new StringWriter();
        var log = new SandboxLog(output);

        log.CreateLogger("Chorus.Test").LogInformation("conversation started");

        Assert.Contains("info Chorus.Test: conversation started", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unanswered_turn_makes_the_exit_code_non_zero_and_the_report_names_it()
    {
        var output = new StringWriter();
        var report = new SandboxReport
        {
            TurnsPlanned = 2,
            LeftCleanly = true,
            Turns = [new SandboxTurn(1, "Hello", 1.0, 300, 1.0, false), new SandboxTurn(2, "Again", 1.0, null, 0, false)],
        };

        SandboxReportPrinter.Print(report, output);

        Assert.Equal(1, report.ExitCode);
        Assert.Contains("Result: turn(s) 2 not answered.", output.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"\n\s+2  Again\s+1\.0 s  NO ", output.ToString());
    }

    private static List<KeyValuePair<string, object?>> Values(TimeSpan elapsed) => [new("TimeSinceLastTick", elapsed)];

    private static TaskCanceledException Thrown()
    {
        try
        {
            throw new TaskCanceledException();
        }
        catch (TaskCanceledException e)
        {
            return e;
        }
    }
}
