using System.Diagnostics;
using System.Text.Json;

namespace Chorus.EndToEnd.LoadHarness;

/// <summary>
/// The load harness's <c>--path full</c> as a user runs it: a silo and two gateway processes from the build output,
/// two guilds (one per shard) joining and talking for a few seconds, and the JSON report read back.
/// </summary>
[EndToEnd]
public sealed class FullPathHarnessTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(150);

    private readonly ITestOutputHelper _output;

    public FullPathHarnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task The_full_path_through_a_silo_and_two_gateways_answers_turns_and_measures_each_process()
    {
        var work = Directory.CreateTempSubdirectory("chorus-harness-test-").FullName;
        try
        {
            var json = Path.Combine(work, "report.json");
            var (exitCode, output) = await RunHarnessAsync(
                ["--path", "full", "--gateways", "2", "-n", "2", "--seconds", "5", "--warmup", "2", "--chirp", "--interrupt-every", "0", "-o", json]);
            _output.WriteLine(output);
            Assert.True(exitCode == 0, $"the harness exited with {exitCode}:\n{output}");

            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = report.RootElement;
            Assert.Equal(2, root.GetProperty("joined").GetInt32());
            var processes = root.GetProperty("processes").EnumerateArray().ToList();
            Assert.Equal(["silo", "gateway-0", "gateway-1"], processes.Select(p => p.GetProperty("name").GetString()));
            Assert.All(processes, p =>
            {
                Assert.True(p.GetProperty("cpuPercentOfCore").GetDouble() > 0, $"{p.GetProperty("name")} used no CPU");
                Assert.True(p.GetProperty("workingSetMiB").GetDouble() > 0, $"{p.GetProperty("name")} has no working set");
            });
            var wire = root.GetProperty("wire");
            Assert.True(wire.GetProperty("firstReplyPacketMs").GetProperty("count").GetInt64() > 0, "no turn was answered in the window");
            Assert.True(wire.GetProperty("sendIntervalMs").GetProperty("count").GetInt64() > 0, "no reply packets were timed");

            // The bot's own wire latencies, scraped from the gateways' Prometheus endpoints over the window.
            var latencies = root.GetProperty("botLatencies").EnumerateArray().ToDictionary(l => l.GetProperty("figure").GetString()!);
            Assert.True(latencies["uplink (UDP in->Gemini)"].GetProperty("count").GetInt64() > 0, "no uplink latency was scraped");
            Assert.True(latencies["uplink (UDP in->Gemini)"].GetProperty("p99Ms").GetDouble() > 0, "the uplink p99 is empty");
            Assert.True(latencies["turn (speech in->1st out)"].GetProperty("count").GetInt64() > 0, "no turn latency was scraped");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunHarnessAsync(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(HarnessAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // The harness kills its bot processes as it exits; killing its tree covers a harness that hung.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The harness's own build output (tests/EndToEnd/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ -> bench/Chorus.LoadHarness/bin/...).</summary>
    private static string HarnessAssembly
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "bench", "Chorus.LoadHarness", "bin", configuration, output.Name, "Chorus.LoadHarness.dll");
        }
    }
}
