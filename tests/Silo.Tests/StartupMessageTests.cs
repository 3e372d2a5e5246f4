namespace Chorus.Silo.Tests;

[EndToEnd]
public sealed class StartupMessageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-start-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Without_token_and_key_the_bot_exits_non_zero_naming_both_and_where_to_get_them()
    {
        await using var silo = SiloProcess.Start(_directory, new Dictionary<string, string>());

        var exitCode = await silo.WaitForExitAsync(Timeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("DISCORD_TOKEN", silo.Output);
        Assert.Contains("GEMINI_API_KEY", silo.Output);
        Assert.Contains("https://discord.com/developers/applications", silo.Output);
        Assert.Contains("https://aistudio.google.com/apikey", silo.Output);
        Assert.DoesNotContain("Exception", silo.Output);
        Assert.DoesNotContain("   at ", silo.Output);
    }

    [Fact]
    public async Task Only_the_missing_variable_is_named()
    {
        await using var silo = SiloProcess.Start(_directory, new Dictionary<string, string> { ["DISCORD_TOKEN"] = "MTEx.present.token-value" });

        var exitCode = await silo.WaitForExitAsync(Timeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("missing GEMINI_API_KEY.", silo.Output);
        Assert.DoesNotContain("DISCORD_TOKEN:", silo.Output);
    }

    [Fact]
    public async Task Secrets_from_a_dotenv_file_are_enough_to_start_and_sigterm_stops_cleanly()
    {
        const string token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.dotenv.token-secret-value";
        const string key = "AIzaSy-dotenv-key-secret-value";
        await File.WriteAllTextAsync(Path.Combine(_directory, ".env"), $"DISCORD_TOKEN={token}\nGEMINI_API_KEY=\"{key}\"\n");
        await using var discord = await Chorus.Emulators.Discord.DiscordEmulator.StartAsync(new Chorus.Emulators.Discord.DiscordEmulatorOptions { Token = token });
        await using var silo = SiloProcess.Start(_directory, new Dictionary<string, string>(), $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}",
            $"--Dashboard:Port={LoopbackPorts.Free()}", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={LoopbackPorts.Free()}",
            $"--Storage:Sqlite:DataSource={Path.Combine(_directory, "bot.db")}");

        await silo.WaitStartedAsync(Timeout);
        var exitCode = await silo.StopAsync(Timeout);

        Assert.Equal(0, exitCode);
        Assert.Contains("connected to the cluster", silo.Output);
        Assert.DoesNotContain(token, silo.Output);
        Assert.DoesNotContain(key, silo.Output);
        Assert.False(silo.Output.Contains("fail:", StringComparison.Ordinal), silo.Output);
    }
}
