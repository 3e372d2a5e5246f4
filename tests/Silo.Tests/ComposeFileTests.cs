using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Chorus.Silo.Tests;

[EndToEnd]
public sealed class ComposeFileTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Compose_file_is_valid_and_has_the_scale_out_shape()
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
        // .env is never checked in: validate with the example file the operator copies.
        info.Environment["CHORUS_ENV_FILE"] = ".env.example";
        info.Environment.Remove("DISCORD_TOKEN");
        info.Environment.Remove("GEMINI_API_KEY");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await errors);
        var services = ComposeShape.Parse(await output);
        Assert.Contains(services, s => s.Image?.StartsWith("redis", StringComparison.Ordinal) == true);
        var silos = services.Where(s => s.Dockerfile == "src/Silo/Dockerfile").ToList();
        var gateways = services.Where(s => s.Dockerfile == "src/Gateway/Dockerfile").ToList();
        Assert.True(silos.Count >= 2, $"{silos.Count} silo(s)");
        Assert.True(gateways.Count >= 2, $"{gateways.Count} gateway(s)");
        Assert.All(services, s => Assert.True(s.HealthCheck.Count > 0, $"{s.Name} has no health check"));
        Assert.All(services, s => Assert.True(s.Restart is "unless-stopped" or "always" or "on-failure", $"{s.Name} has no restart policy"));
        // Published ports only on the host's loopback: the dashboard has no login of its own.
        Assert.All(services.SelectMany(s => s.Ports), p => Assert.StartsWith("127.0.0.1:", p));
        Assert.Contains(silos, s => s.Ports.Any(p => p.Contains(":8088", StringComparison.Ordinal)));
        Assert.All(silos, s => Assert.Equal(["CMD-SHELL", "dotnet Chorus.Silo.dll --health-probe"], s.HealthCheck));
        Assert.All(gateways, s => Assert.Equal(["CMD-SHELL", "dotnet Chorus.Gateway.dll --health-probe"], s.HealthCheck));
        Assert.All(services.Where(s => s.Image is null), s => Assert.Equal("Redis", s.Environment["Orleans__Clustering__ProviderType"]));
        Assert.All(silos, s => Assert.Equal("Redis", s.Environment["Orleans__GrainStorage__Default__ProviderType"]));

        // Every shard of SHARD_COUNT is run by exactly one gateway, and all agree on the count.
        var counts = gateways.Select(g => g.Environment["SHARD_COUNT"]).Distinct().ToList();
        var count = int.Parse(Assert.Single(counts), System.Globalization.CultureInfo.InvariantCulture);
        var shards = gateways.SelectMany(g => Chorus.Discord.Gateway.ShardSetOptions.Parse(g.Environment["SHARD_IDS"], g.Environment["SHARD_COUNT"]).ShardIds!).ToList();
        Assert.Equal(Enumerable.Range(0, count), shards.Order());

        // Secrets reach the gateways from the env file only; the silos never get them, and the file names none.
        Assert.All(gateways, g => Assert.True(g.Environment.ContainsKey("DISCORD_TOKEN") && g.Environment.ContainsKey("GEMINI_API_KEY"), $"{g.Name} gets no secrets"));
        Assert.All(silos, s => Assert.False(s.Environment.ContainsKey("DISCORD_TOKEN") || s.Environment.ContainsKey("GEMINI_API_KEY"), $"{s.Name} gets the secrets"));
        var raw = File.ReadAllText(Path.Combine(root, "docker-compose.yml"));
        Assert.DoesNotContain("DISCORD_TOKEN:", raw);
        Assert.DoesNotContain("GEMINI_API_KEY:", raw);
        Assert.Contains("env_file: ${CHORUS_ENV_FILE:-.env}", raw);
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
            await using var silo = SiloProcess.Start(directory, new Dictionary<string, string>(), "--Chorus:Mode=Silo",
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

    /// <summary>
    /// The gateway's compose health check, exactly as written, run by /bin/sh from the gateway's own build output (the
    /// image's WORKDIR holds Chorus.Gateway.dll): it fails while the gateway waits for the cluster, saying so, and passes
    /// once a silo is up and the gateway is connected with its shard READY.
    /// </summary>
    [Fact]
    public async Task The_gateway_health_check_command_fails_while_the_gateway_waits_for_the_cluster_then_passes()
    {
        var command = HealthCheckCommand("Chorus.Gateway.dll");
        var directory = Directory.CreateTempSubdirectory("chorus-gw-health-").FullName;
        const string token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.gateway-health.secret-token-value";
        try
        {
            await using var discord = await Chorus.Emulators.Discord.DiscordEmulator.StartAsync(
                new Chorus.Emulators.Discord.DiscordEmulatorOptions { Token = token });
            var gatewayPort = LoopbackPorts.Free();
            var healthPort = LoopbackPorts.Free();
            await using var gateway = SiloProcess.StartGateway(directory,
                new Dictionary<string, string> { ["DISCORD_TOKEN"] = token, ["GEMINI_API_KEY"] = "AIza-gateway-health-key" },
                $"--Chorus:GatewayPort={gatewayPort}", $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}", $"--Health:Port={healthPort}");
            await gateway.WaitForLineAsync(l => l.Contains($"http://127.0.0.1:{healthPort}/health (readiness)", StringComparison.Ordinal), Timeout, "the readiness endpoint");
            // As in the container: the check sees the gateway's own Health__* variables.
            var probeEnvironment = new Dictionary<string, string> { ["Health__Port"] = $"{healthPort}" };
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = Timeout };

            using var alive = await http.GetAsync("/alive");
            var waiting = await RunShellAsync(command, probeEnvironment, SiloProcess.GatewayDirectory);
            await using var silo = SiloProcess.Start(directory, new Dictionary<string, string>(), "--Chorus:Mode=Silo",
                $"--Dashboard:Port={LoopbackPorts.Free()}", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={gatewayPort}",
                $"--Storage:Sqlite:DataSource={Path.Combine(directory, "silo.db")}");
            var ready = await WaitUntilReadyAsync(http);
            var passing = await RunShellAsync(command, probeEnvironment, SiloProcess.GatewayDirectory);

            Assert.Equal(System.Net.HttpStatusCode.OK, alive.StatusCode);
            Assert.True(waiting.ExitCode == 1, waiting.Output);
            Assert.Contains("-> 503 Not ready; cluster: waiting for the Orleans cluster at 127.0.0.1:" + gatewayPort, waiting.Output);
            Assert.Contains("ServiceId chorus, ClusterId chorus", waiting.Output);
            Assert.Equal("Healthy", ready);
            Assert.True(passing.ExitCode == 0, passing.Output);
            Assert.Contains("/health -> 200 Healthy", passing.Output);
            Assert.Equal(0, await gateway.StopAsync(Timeout));
            Assert.DoesNotContain(token, gateway.Output);
            Assert.DoesNotContain("   at ", gateway.Output);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Polls /health (bounded by <see cref="Timeout"/>) until it answers 2xx; its body.</summary>
    private static async Task<string> WaitUntilReadyAsync(HttpClient http)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            using var response = await http.GetAsync("/health", deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadAsStringAsync(deadline.Token);
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    private static string SiloHealthCheckCommand() => HealthCheckCommand("Chorus.Silo.dll");

    private static string HealthCheckCommand(string assembly)
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryRoot(), "docker-compose.yml"));
        var match = Regex.Match(compose, "test: \\[\"CMD-SHELL\", \"(?<command>[^\"]*" + Regex.Escape(assembly) + " --health-probe[^\"]*)\"\\]");
        Assert.True(match.Success, $"docker-compose.yml has no CMD-SHELL health check running {assembly} --health-probe");
        return match.Groups["command"].Value;
    }

    private static async Task<(int ExitCode, string Output)> RunShellAsync(
        string command, Dictionary<string, string> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-c", command },
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Dashboard__", StringComparison.Ordinal) || k.StartsWith("Health__", StringComparison.Ordinal)).ToList())
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

    internal static string RepositoryRoot()
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
