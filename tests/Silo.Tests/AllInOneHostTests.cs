using Chorus.Emulators.Discord;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Silo.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chorus.Silo.Tests;

[EndToEnd]
public sealed class AllInOneHostTests : IDisposable
{
    private const string Token = "MTEx.secret-discord-token.do-not-log";
    private const string ApiKey = "AIza-secret-gemini-key-do-not-log";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-aio-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Starts_serves_grains_dashboard_and_health_then_stops_cleanly_without_logging_secrets()
    {
        await using var discord = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions { Token = Token });
        var logs = new CapturingLoggerProvider();
        var environment = new Dictionary<string, string?>
        {
            ["DISCORD_TOKEN"] = Token,
            ["GEMINI_API_KEY"] = ApiKey,
            ["BOT_PERSONALITY"] = "Configured default persona.",
        };
        var outcome = ChorusSiloApp.Build(
            [
                "--Dashboard:Port=0", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={LoopbackPorts.Free()}",
                $"--Storage:Sqlite:DataSource={Path.Combine(_directory, "bot.db")}", "--Gateway:Id=gw-test",
                $"--Discord:ApiBaseUrl={discord.ApiBaseUrl}",
            ],
            environment,
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddProvider(logs);
            });
        Assert.Null(outcome.Error);
        Assert.Equal(HostMode.AllInOne, outcome.Mode);
        await using var app = outcome.App!;

        await app.StartAsync().WaitAsync(Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout };
        var alive = await http.GetStringAsync("/alive");
        // Ready once the bot is online on Discord, which comes after the host has started.
        var health = await WaitUntilHealthyAsync(http);
        var dashboard = await http.GetAsync("/dashboard/");
        var trace = await http.GetAsync("/dashboard/Trace");

        var client = app.Services.GetRequiredService<IClusterClient>();
        var settings = await client.GetGrain<IGuildSettingsGrain>(1234).GetAsync();
        var join = await client.GetGrain<IVoiceSessionGrain>(1234).JoinAsync(new JoinRequest(1, "gw-test", 2));

        await app.StopAsync().WaitAsync(Timeout);

        Assert.StartsWith("http://127.0.0.1:", address);
        Assert.Equal("Healthy", alive);
        Assert.Equal("Healthy", health);
        Assert.True(dashboard.IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, trace.StatusCode);
        Assert.Equal("Configured default persona.", settings.Persona);
        Assert.Equal(JoinOutcome.Started, join.Outcome);
        Assert.Contains("Gateway gw-test connected to the cluster (1 active silos)", logs.Text);
        Assert.Equal(
            ["join", "leave", "persona", "status", "usage", "settings"],
            (await discord.CommandRegistrations.WaitForAsync(_ => true, Timeout)).Commands.Select(c => c!["name"]!.GetValue<string>()));
        Assert.DoesNotContain(Token, logs.Text);
        Assert.DoesNotContain(ApiKey, logs.Text);
        Assert.DoesNotContain("Error ", logs.Text);
        Assert.DoesNotContain("Critical ", logs.Text);
    }

    [Fact]
    public async Task Health_endpoints_answer_before_discord_is_reached_and_readiness_says_what_it_waits_for()
    {
        var outcome = ChorusSiloApp.Build(
            [
                "--Dashboard:Port=0", $"--Chorus:SiloPort={LoopbackPorts.Free()}", $"--Chorus:GatewayPort={LoopbackPorts.Free()}",
                $"--Storage:Sqlite:DataSource={Path.Combine(_directory, "bot.db")}",
                // Nothing listens here: Discord stays out of reach for as long as the client retries.
                $"--Discord:ApiBaseUrl=http://127.0.0.1:{LoopbackPorts.Free()}/api/v10",
            ],
            new Dictionary<string, string?> { ["DISCORD_TOKEN"] = Token, ["GEMINI_API_KEY"] = ApiKey },
            builder => builder.Logging.ClearProviders());
        await using var app = outcome.App!;

        await app.StartAsync().WaitAsync(Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout };
        var alive = await http.GetStringAsync("/alive");
        using var health = await http.GetAsync("/health");
        var readiness = await health.Content.ReadAsStringAsync();
        await app.StopAsync().WaitAsync(Timeout);

        Assert.Equal("Healthy", alive);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.StartsWith("Not ready; discord: waiting for Discord", readiness, StringComparison.Ordinal);
    }

    private static async Task<string> WaitUntilHealthyAsync(HttpClient http)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            using var response = await http.GetAsync("/health", deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadAsStringAsync(deadline.Token);
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    [Fact]
    public void Silo_only_mode_needs_no_secrets()
    {
        var outcome = ChorusSiloApp.Build(["--Chorus:Mode=Silo", "--Dashboard:Enabled=false"], new Dictionary<string, string?>());

        Assert.Null(outcome.Error);
        Assert.Equal(HostMode.Silo, outcome.Mode);
        Assert.NotNull(outcome.App);
    }

    [Fact]
    public void An_invalid_default_persona_stops_the_build_with_the_variable_named()
    {
        var outcome = ChorusSiloApp.Build(
            ["--Chorus:Mode=Silo", "--Dashboard:Enabled=false"],
            new Dictionary<string, string?> { ["BOT_PERSONALITY"] = "bad\u0001persona" });

        Assert.Null(outcome.App);
        Assert.Contains("BOT_PERSONALITY (Bot:Persona)", outcome.Error);
    }
}
