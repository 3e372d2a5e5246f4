using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Chorus.Silo.Tests;

[EndToEnd]
public sealed class ComposeFileTests
{
    [Fact]
    public async Task Compose_file_is_valid_and_wires_redis_silo_and_gateway()
    {
        RequiredTool.Require(RequiredTool.DockerCompose);
        var root = RepositoryRoot();
        var info = new ProcessStartInfo("docker-compose")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-f", "docker-compose.yml", "config" },
        };
        info.Environment["DISCORD_TOKEN"] = "compose-check-token";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await errors);
        var config = await output;
        Assert.Contains("redis:", config);
        Assert.Contains("src/Silo/Dockerfile", config);
        Assert.Contains("src/Gateway/Dockerfile", config);
        Assert.Contains("Orleans__Clustering__ProviderType: Redis", config);
        Assert.Contains("127.0.0.1:8088", config);
        Assert.Contains("--health-probe", config);
    }

    /// <summary>
    /// The silo's compose health check, exactly as written in docker-compose.yml, run by /bin/sh (dash on Debian, as
    /// CMD-SHELL runs it in the image) from the folder holding Chorus.Silo.dll (the image's WORKDIR), against a live silo.
    /// </summary>
    [Fact]
    public async Task The_silo_health_check_command_passes_under_bin_sh_against_a_live_silo_and_fails_without_one()
    {
        var command = SiloHealthCheckCommand();
        var directory = Directory.CreateTempSubdirectory("chorus-health-").FullName;
        try
        {
            var port = LoopbackPorts.Free();
            await using var silo = SiloProcess.Start(directory, new Dictionary<string, string?>(), "--Chorus:Mode=Silo",
                $"--Dashboard:Port={port}", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={LoopbackPorts.Free()}",
                $"--Storage:Sqlite:DataSource={Path.Combine(directory, "silo.db")}");
            await silo.WaitStartedAsync(TimeSpan.FromSeconds(60));

            // As in the container: the check sees the silo's own Dashboard__* variables.
            var healthy = await RunShellAsync(command, new() { ["Dashboard__BindAddress"] = "0.0.0.0", ["Dashboard__Port"] = $"{port}" });
            var nobody = await RunShellAsync(command, new() { ["Dashboard__Port"] = $"{LoopbackPorts.Free()}" });

            Assert.True(healthy.ExitCode == 0, healthy.Output);
            Assert.Contains("/health -> 200 Healthy", healthy.Output);
            Assert.True(nobody.ExitCode == 1, nobody.Output);
            Assert.DoesNotContain("   at ", nobody.Output);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string SiloHealthCheckCommand()
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryRoot(), "docker-compose.yml"));
        var match = Regex.Match(compose, "test: \\[\"CMD-SHELL\", \"(?<command>[^\"]*--health-probe[^\"]*)\"\\]");
        Assert.True(match.Success, "docker-compose.yml has no CMD-SHELL health check with --health-probe");
        return match.Groups["command"].Value;
    }

    private static async Task<(int ExitCode, string Output)> RunShellAsync(string command, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-c", command },
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Dashboard__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Chorus.slnx not found above " + AppContext.BaseDirectory);
    }
}
