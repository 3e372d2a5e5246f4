using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// <c>--scenario session-limit</c>: the guild's maximum session length is 2 minutes, and in this scenario alone a
/// "minute" lasts <see cref="Minute"/>, so it runs in seconds. A minute before the limit the bot posts a warning in the
/// channel /join was run from; at the limit it says goodbye there, leaves the voice channel, and the grain records
/// the end with its reason.
/// </summary>
internal static class SessionLimitScenario
{
    public const string Name = "session-limit";

    private const int MaxSessionMinutes = 2;

    /// <summary>How long a "minute" of the limit lasts here.</summary>
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(4);

    /// <summary>How far off the timers may be on a loaded machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(TextWriter output, SandboxOptions options, CancellationToken cancellationToken)
    {
        List<string> failures = [];
        var summary = "";
        try
        {
            await using var rig = await SessionEndingRig.StartAsync(
                output, options, services => services.AddSingleton(new SessionTimeLimits { Minute = Minute }), cancellationToken);
            try
            {
                summary = await RunAsync(rig, failures, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add("the run failed: " + e.Message.ReplaceLineEndings(" "));
            }

            return rig.Verdict(Name, failures, summary);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"FAIL {Name}: the sandbox did not start: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static async Task<string> RunAsync(SessionEndingRig rig, List<string> failures, CancellationToken cancellationToken)
    {
        var settings = rig.World.App.Services.GetRequiredService<IClusterClient>().GetGrain<IGuildSettingsGrain>(SessionEndingRig.GuildKey);
        var change = await settings.SetOptionsAsync(new GuildOptions(MaxSessionMinutes: MaxSessionMinutes), SandboxScenario.UserId);
        rig.Say("admin", $"sets the session limit to {MaxSessionMinutes} minutes (in this scenario a minute lasts {Minute.TotalSeconds:0} s)");
        if (change.Error is { } refused)
        {
            failures.Add("the limit was refused: " + refused);
            return "";
        }

        var time = TimeProvider.System;
        if (!await rig.JoinAsync(cancellationToken))
        {
            failures.Add("the bot did not join");
            return "";
        }

        var joinedAt = time.GetTimestamp();
        if (!await rig.TalkAsync(cancellationToken))
        {
            failures.Add("the first turn was not answered");
        }

        var limit = Minute * MaxSessionMinutes;
        var wait = limit + Slack + rig.Wait;
        var warning = await rig.PostedAsync(m => m.Contains(" left:", StringComparison.Ordinal), wait);
        var warnedAfter = time.GetElapsedTime(joinedAt);
        if (warning is null)
        {
            failures.Add("no warning before the limit");
        }
        else
        {
            rig.Say("bot", $"-> (in <#{SandboxScenario.TextChannelId}>) {warning}");
        }

        var goodbye = await rig.PostedAsync(m => m.Contains("reached this server's limit", StringComparison.Ordinal), wait);
        var endedAfter = time.GetElapsedTime(joinedAt);
        if (goodbye is null)
        {
            failures.Add("no message at the limit");
        }
        else
        {
            rig.Say("bot", $"-> (in <#{SandboxScenario.TextChannelId}>) {goodbye}");
        }

        var hasLeft = await rig.LeftVoiceAsync(rig.Wait);
        rig.Say("bot", hasLeft ? "left the voice channel" : $"still in the voice channel {rig.Wait.TotalSeconds:0} s after the limit");
        var session = await rig.EndedSessionAsync(cancellationToken);
        rig.Say("grain", session.HasEnded ? $"session Ended ({session.EndReason})" : $"session still {session.State}");

        // The session starts when the grain plans it, a moment before /join answers: the times are from that answer.
        var warnAt = limit - Minute;
        if (warning is not null && (warnedAfter < warnAt - Slack || warnedAfter > warnAt + Slack))
        {
            failures.Add($"the warning came {warnedAfter.TotalSeconds:0.0} s after /join (expected about {warnAt.TotalSeconds:0} s)");
        }

        if (goodbye is not null && (endedAfter < limit - Slack || endedAfter > limit + Slack))
        {
            failures.Add($"the session ended {endedAfter.TotalSeconds:0.0} s after /join (expected about {limit.TotalSeconds:0} s)");
        }

        if (goodbye is not null && !goodbye.Contains("Thanks", StringComparison.Ordinal))
        {
            failures.Add("the goodbye is not polite");
        }

        if (!hasLeft)
        {
            failures.Add("the bot did not leave the voice channel");
        }

        if (!session.HasEnded || session.EndReason != SessionEndReason.TimeLimit)
        {
            failures.Add($"the grain says {session.State}, end reason {session.EndReason?.ToString() ?? "none"} (expected Ended, TimeLimit)");
        }

        if (rig.Posts.Count != 2)
        {
            failures.Add($"{rig.Posts.Count} messages posted (expected the warning and the goodbye)");
        }

        return $"warned {warnedAfter.TotalSeconds:0.0} s and ended {endedAfter.TotalSeconds:0.0} s after /join (limit {limit.TotalSeconds:0} s); session Ended ({session.EndReason})";
    }
}
