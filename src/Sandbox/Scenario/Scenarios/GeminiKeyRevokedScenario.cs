using Chorus.Grains.Sessions;

namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// <c>--scenario gemini-key-revoked</c>: mid-conversation the Gemini emulator revokes the bot's key (as when its owner
/// deletes it). The bot must post one message saying so in the channel /join was run from, leave the voice channel,
/// and the session grain must record the end with its reason, within two seconds.
/// </summary>
internal static class GeminiKeyRevokedScenario
{
    public const string Name = "gemini-key-revoked";

    private static readonly TimeSpan Target = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(TextWriter output, SandboxOptions options, CancellationToken cancellationToken)
    {
        List<string> failures = [];
        var summary = "";
        try
        {
            await using var rig = await SessionEndingRig.StartAsync(output, options, null, cancellationToken);
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
        if (!await rig.JoinAsync(cancellationToken))
        {
            failures.Add("the bot did not join");
            return "";
        }

        if (!await rig.TalkAsync(cancellationToken))
        {
            failures.Add("the first turn was not answered");
        }

        var time = TimeProvider.System;
        rig.Say("gemini", "the API key is revoked (open sockets close 1007, new setups are refused)");
        var revokedAt = time.GetTimestamp();
        await rig.World.Gemini!.RevokeKeyAsync();
        var posted = rig.PostedAsync(_ => true, rig.Wait);
        var left = rig.LeftVoiceAsync(rig.Wait);

        var message = await posted;
        var postedAfter = time.GetElapsedTime(revokedAt);
        if (message is null)
        {
            failures.Add($"no message in the channel /join was run from within {rig.Wait.TotalSeconds:0} s");
        }
        else
        {
            rig.Say("bot", $"-> (in <#{SandboxScenario.TextChannelId}>) {message}");
        }

        var hasLeft = await left;
        var leftAfter = time.GetElapsedTime(revokedAt);
        rig.Say("bot", hasLeft ? "left the voice channel" : $"still in the voice channel {rig.Wait.TotalSeconds:0} s later");
        var session = await rig.EndedSessionAsync(cancellationToken);
        rig.Say("grain", session.HasEnded ? $"session Ended ({session.EndReason})" : $"session still {session.State}");

        if (message is not null && !message.Contains("API key was refused", StringComparison.Ordinal))
        {
            failures.Add("the message does not say the key was refused");
        }

        if (message is not null && message.Contains(SandboxScenario.GeminiKey, StringComparison.Ordinal))
        {
            failures.Add("the message shows the key");
        }

        if (!hasLeft)
        {
            failures.Add("the bot did not leave the voice channel");
        }

        if (message is not null && postedAfter > Target)
        {
            failures.Add($"the message came {postedAfter.TotalMilliseconds:0} ms after the key was revoked (target {Target.TotalSeconds:0} s)");
        }

        if (hasLeft && leftAfter > Target)
        {
            failures.Add($"the bot left {leftAfter.TotalMilliseconds:0} ms after the key was revoked (target {Target.TotalSeconds:0} s)");
        }

        if (session.EndReason != SessionEndReason.GeminiFailed || !session.HasEnded)
        {
            failures.Add($"the grain says {session.State}, end reason {session.EndReason?.ToString() ?? "none"} (expected Ended, GeminiFailed)");
        }

        var posts = rig.Posts.Count;
        if (posts != 1)
        {
            failures.Add($"{posts} messages posted (expected exactly one)");
        }

        return $"message posted {postedAfter.TotalMilliseconds:0} ms and bot left {leftAfter.TotalMilliseconds:0} ms after the key was revoked; session Ended ({session.EndReason})";
    }
}
