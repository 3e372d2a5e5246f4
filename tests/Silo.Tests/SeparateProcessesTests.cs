namespace Chorus.Silo.Tests;

/// <summary>A silo (Chorus:Mode=Silo) and a gateway (src/Gateway) as separate processes, each with its defaults.</summary>
[EndToEnd]
public sealed class SeparateProcessesTests : IDisposable
{
    private const string Token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.separate.secret-token-value";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-split-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_silo_and_a_gateway_started_with_their_default_ids_find_each_other()
    {
        await using var discord = await Chorus.Emulators.Discord.DiscordEmulator.StartAsync(new Chorus.Emulators.Discord.DiscordEmulatorOptions { Token = Token });
        // Only the ports differ from the defaults, so that this test never meets another process on this machine.
        var gatewayPort = LoopbackPorts.Free();
        await using var silo = SiloProcess.Start(_directory, new Dictionary<string, string>(), "--Chorus:Mode=Silo",
            $"--Dashboard:Port={LoopbackPorts.Free()}", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={gatewayPort}",
            $"--Storage:Sqlite:DataSource={Path.Combine(_directory, "silo.db")}");
        await silo.WaitStartedAsync(Timeout);

        await using var gateway = SiloProcess.StartGateway(_directory,
            new Dictionary<string, string> { ["DISCORD_TOKEN"] = Token, ["GEMINI_API_KEY"] = "AIza-separate-key" },
            $"--Chorus:GatewayPort={gatewayPort}", $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}", "--Gateway:Id=gw-separate");

        await gateway.WaitForLineAsync(l => l.Contains("Gateway gw-separate connected to the cluster", StringComparison.Ordinal), Timeout, "the cluster connection");
        await gateway.WaitStartedAsync(Timeout);
        Assert.Equal(0, await gateway.StopAsync(Timeout));
        Assert.Equal(0, await silo.StopAsync(Timeout));
        Assert.DoesNotContain("Cannot reach the Orleans cluster", gateway.Output);
        Assert.DoesNotContain("Unexpected cluster id", gateway.Output);
        Assert.DoesNotContain(Token, gateway.Output + silo.Output);
    }

    [Fact]
    public async Task A_gateway_without_a_silo_says_where_it_looks_and_stops_cleanly_on_sigterm()
    {
        var gatewayPort = LoopbackPorts.Free();
        await using var gateway = SiloProcess.StartGateway(_directory,
            new Dictionary<string, string> { ["DISCORD_TOKEN"] = Token, ["GEMINI_API_KEY"] = "AIza-separate-key" },
            $"--Chorus:GatewayPort={gatewayPort}", "--Discord:ApiBaseUrl=http://127.0.0.1:9/api/v10");

        var line = await gateway.WaitForLineAsync(l => l.Contains("Cannot reach the Orleans cluster", StringComparison.Ordinal), Timeout, "the first unreachable-cluster line");
        // Said again every few seconds (ClusterConnectionRetry.ReportEvery) while no silo answers, with the attempts so far.
        var again = await gateway.WaitForLineAsync(
            l => l.Contains("Cannot reach the Orleans cluster", StringComparison.Ordinal) && !l.Contains("after 1 attempt(s)", StringComparison.Ordinal), Timeout, "a later unreachable-cluster line");
        gateway.Terminate();
        var exitCode = await gateway.WaitForExitAsync(Timeout);

        Assert.Contains($"127.0.0.1:{gatewayPort}", line);
        Assert.Contains("ServiceId chorus, ClusterId chorus", line);
        Assert.Contains("ServiceId chorus, ClusterId chorus", again);
        Assert.Single(gateway.Output.Split('\n'), l => l.Contains("Cannot reach the Orleans cluster", StringComparison.Ordinal) && l.Contains("after 1 attempt(s)", StringComparison.Ordinal));
        // 0 from the host's own stop; 143 (128 + SIGTERM) would be the runtime's default for the signal. Never a crash.
        Assert.True(exitCode is 0 or 143, $"exit code {exitCode}:\n{gateway.Output}");
        Assert.DoesNotContain("Unhandled exception", gateway.Output);
        Assert.DoesNotContain("TaskCanceledException", gateway.Output);
        Assert.DoesNotContain("   at ", gateway.Output);
    }
}
