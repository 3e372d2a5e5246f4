using System.Diagnostics;
using Chorus.Sandbox.Scenario;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>
/// The Orleans Dashboard seen: the all-in-one host (the sandbox's, against the emulators) in a live conversation, its
/// dashboard opened in headless Chromium, a screenshot saved, and the page must show the session grains.
/// <c>CHORUS_DASHBOARD_SCREENSHOT=docs/dashboard.png</c> keeps the screenshot there (how the README's was made).
/// </summary>
[EndToEnd]
[Collection(SandboxRuns.Name)]
public sealed class DashboardScreenshotTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Chromium may take this long to start, run the dashboard's scripts and write its output, on a loaded machine.</summary>
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_dashboard_of_a_host_in_a_conversation_shows_the_session_grains()
    {
        RequiredTool.Require(RequiredTool.Chromium);
        await using var world = await SandboxWorld.StartAsync(TextWriter.Null, Wait, [], CancellationToken.None);
        var user = world.Voice.AddScriptedUser(SandboxScenario.GuildId, SandboxScenario.UserId, recordSampleRate: 24000, channelId: SandboxScenario.VoiceChannelId);
        var join = await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait);
        Assert.StartsWith("Joined", join, StringComparison.Ordinal);
        var bridge = world.Runner.BridgeOf(unchecked((long)SandboxScenario.GuildId))!;
        await user.SpeakAsync(SandboxSpeech.Synthetic(1.5), SandboxSpeech.SampleRate);
        Assert.True(await SandboxScenario.WaitUntilAsync(() => bridge.IsBotSpeaking, Wait), "the bot answered");

        var dashboard = new Uri(new Uri(world.App.Urls.First()), "/dashboard/#/grains");
        var screenshot = Environment.GetEnvironmentVariable("CHORUS_DASHBOARD_SCREENSHOT") is { Length: > 0 } keep
            ? Path.GetFullPath(keep)
            : Path.Combine(world.WorkDirectory, "dashboard.png");
        // Two runs: headless Chromium writes either the screenshot or the DOM, not both.
        await RunChromiumAsync(dashboard, $"--screenshot={screenshot}");
        var dom = await RunChromiumAsync(dashboard, "--dump-dom");

        Assert.Contains("VoiceSessionGrain", dom, StringComparison.Ordinal);
        Assert.Contains("GuildSettingsGrain", dom, StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000, $"a screenshot of a rendered page ({png.Length} bytes)");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    /// <summary>Runs headless Chromium on <paramref name="page"/> with the dashboard's scripts given time to fetch and draw; returns what it prints (the DOM).</summary>
    private static async Task<string> RunChromiumAsync(Uri page, params string[] outputs)
    {
        var start = new ProcessStartInfo("chromium")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As root (CI, containers) Chromium refuses to start with its sandbox; the page is our own, on loopback.
        foreach (var argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
            "--window-size=1400,760", "--virtual-time-budget=20000", .. outputs, page.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var stdout = chromium.StandardOutput.ReadToEndAsync();
        var stderr = chromium.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(BrowserTimeout);
        try
        {
            await chromium.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within {BrowserTimeout.TotalSeconds} s: {await stderr}");
        }

        Assert.True(chromium.ExitCode == 0, $"chromium exited with {chromium.ExitCode}: {await stderr}");
        return await stdout;
    }
}
