using Chorus.Gateway.Commands;
using Chorus.Gateway.Hosting;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Grains.Usage;
using Chorus.Silo.Hosting;
using Chorus.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chorus.Silo.Tests;

/// <summary>
/// Every section's options are validated on start by the same rules the check before start reads (one
/// <see cref="SettingsSection"/> per section): a host built without that check (a test, an embedder) stops at start
/// with the same one line, naming the setting, the value and what is allowed. In process: no executable is started.
/// </summary>
public sealed class SectionOptionsTests
{
    public static TheoryData<string, string, string, string> BadValues => new()
    {
        // section, setting, bad value, what the line must say is allowed
        { "Chorus", "Chorus:Mode", "Bogus", "AllInOne or Silo" },
        { "Chorus", "Chorus:SiloPort", "-5", "a TCP port from 1 to 65535" },
        { "Chorus", "Chorus:GatewayPort", "70000", "a TCP port from 1 to 65535" },
        { "Dashboard", "Dashboard:Port", "70000", "a TCP port from 0 to 65535" },
        { "Dashboard", "Dashboard:BindAddress", "not-an-ip", "an IP address" },
        { "Dashboard", "Dashboard:BindAddress", "0.0.0.0", "Dashboard:AllowNonLoopback=true" },
        { "Health", "Health:Port", "-1", "a TCP port from 0 to 65535" },
        { "Health", "Health:BindAddress", "localhost", "an IP address" },
        { "Health", "Health:Enabled", "yes", "true or false" },
        { "Sessions", "Sessions:LeaseDuration", "-00:00:45", "a duration of at least 00:00:01" },
        { "Sessions", "Sessions:RenewalInterval", "00:01:00", "shorter than Sessions:LeaseDuration" },
        { "Shards", "Shards:LeaseDuration", "00:00:00.5", "a duration of at least 00:00:01" },
        { "Shards", "Shards:RenewalInterval", "00:00:06", "at most half of Shards:LeaseDuration" },
        { "Shards", "Shards:TakeOverAnyShard", "sometimes", "true or false" },
        { "Storage", "Storage:Sqlite:BusyTimeout", "-00:00:01", "a duration of zero or more" },
        { "Discord", "Discord:AutoLeaveAfter", "-00:02:00", "a duration of zero or more" },
        { "Discord", "Discord:ShardIds", "zero", "shard ids such as 0,1 or 0-3" },
        { "Discord", "Discord:Token", "not-a-token", "three base64url parts" },
        { "Commands", "Commands:DeferAfter", "00:00:00", "a positive duration" },
        { "Commands", "Commands:VoiceJoinTimeout", "soon", "a positive duration" },
        { "Gemini", "Gemini:BaseUrl", "nowhere", "URL" },
        { "Gemini", "Gemini:ApiVersion", "one beta", "v1beta" },
        { "Bot", "Bot:VoiceName", "NoSuchVoice", "one of " },
        { "Bot", "Bot:ModelId", "Not A Model", "a model id" },
        { "Gateway", "Gateway:Id", "has spaces", "without spaces" },
        { "Voice", "Voice:UseTls", "maybe", "true or false" },
        { "Metrics", "Metrics:Prometheus:Enabled", "on", "true or false" },
        { "Metrics", "Metrics:Otlp:Endpoint", "collector:4317", "an http:// or https:// URL" },
        { "Metrics", "Metrics:Otlp:Protocol", "udp", "grpc or http/protobuf" },
        { "Gemini", "Gemini:ContextCompression:TriggerTokens", "lots", "a whole number of tokens from 1000" },
        { "Gemini", "Gemini:ContextCompression:Enabled", "sometimes", "true or false" },
        { "Usage", "Usage:MaxConcurrentSessions", "0", "a whole number of sessions from 1" },
        { "Usage", "Usage:DailyBudgetUsd", "-1", "an amount of US dollars of 0 or more" },
        { "Usage", "Usage:Prices:InputAudioPerMillion", "three", "an amount of US dollars of 0 or more" },
        { "Usage", "Usage:GuildDailyBudgetsUsd:123456789012345678", "lots", "an amount of US dollars of 0 or more" },
        { "Usage", "Usage:GuildDailyBudgetsUsd:my-server", "5", "a guild id (a number) as the key" },
    };

    [Fact]
    public void A_compression_target_at_or_above_the_trigger_is_refused_before_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gemini:ContextCompression:TriggerTokens"] = "16000",
            ["Gemini:ContextCompression:TargetTokens"] = "16000",
        }).Build();

        var problem = StartupCheck.FindProblem([], configuration, HostedParts.AllInOne, SiloConfiguration.Sections);

        Assert.NotNull(problem);
        Assert.Contains("Gemini:ContextCompression:TargetTokens", problem);
        Assert.Contains("fewer tokens than Gemini:ContextCompression:TriggerTokens (16000)", problem);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_value_stops_the_host_at_start_with_the_line_the_check_before_start_gives(
        string section, string key, string value, string allowed)
    {
        var configuration = Configuration(key, value);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Register(builder.Services, configuration, section);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        var line = StartupCheck.DescribeStartFailure(failure);
        var before = StartupCheck.FindProblem([], configuration, HostedParts.AllInOne, SiloConfiguration.Sections);

        Assert.NotNull(line);
        Assert.Equal(before, line);
        Assert.StartsWith(StartupCheck.Prefix, line, StringComparison.Ordinal);
        Assert.Contains(key, line);
        Assert.Contains(allowed, line);
        if (!SettingRules.IsSecret(key))
        {
            Assert.Contains($"'{value}'", line);
        }
        else
        {
            Assert.DoesNotContain(value, line);
        }
    }

    [Fact]
    public void Every_section_a_silo_reads_is_in_the_table_above()
    {
        var tested = BadValues.Select(row => (string)row.Data.Item1).ToHashSet();

        Assert.All(SiloConfiguration.Sections, section => Assert.Contains(section.Name, tested));
    }

    [Fact]
    public async Task The_defaults_pass_every_section()
    {
        var configuration = Configuration("Discord:Token", "MTEx.default.token");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        foreach (var section in SiloConfiguration.Sections.Select(s => s.Name).Where(n => n != "Storage"))
        {
            Register(builder.Services, configuration, section);
        }

        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();

        Assert.Null(StartupCheck.FindProblem([], configuration, HostedParts.AllInOne, SiloConfiguration.Sections));
    }

    /// <summary>One setting given; the grain storage is not SQLite, so no test creates the default data directory.</summary>
    private static IConfigurationRoot Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:GrainStorage:Default:ProviderType"] = "Memory",
            [key] = value,
        }).Build();

    /// <summary>The registration each host uses for the section's options (AddChorusGateway, AddGrainServices, ChorusSiloApp).</summary>
    private static void Register(IServiceCollection services, IConfiguration configuration, string section)
    {
        Action register = section switch
        {
            "Chorus" => () => services.AddSectionOptions<ChorusHostOptions>(configuration, ChorusHostOptions.Settings),
            "Dashboard" => () => services.AddSectionOptions<ChorusDashboardOptions>(configuration, ChorusDashboardOptions.Settings),
            "Health" => () => services.AddSectionOptions<HealthOptions>(configuration, HealthOptions.Settings),
            "Sessions" => () => services.AddSectionOptions<VoiceSessionOptions>(configuration, VoiceSessionSettings.Section),
            "Shards" => () => services.AddSectionOptions<Chorus.Grains.Sharding.ShardLeaseOptions>(configuration, ShardLeaseSettings.Section),
            "Storage" => () => services.AddSectionOptions<SqliteGrainStorageOptions>(configuration, SqliteGrainStorageOptions.Settings),
            "Discord" => () => services.AddSectionOptions<DiscordOptions>(configuration, DiscordOptions.Settings),
            "Commands" => () => services.AddSectionOptions<CommandOptions>(configuration, CommandOptions.Settings),
            "Gemini" => () => services.AddSectionOptions<GeminiClientOptions>(configuration, GeminiClientOptions.Settings),
            "Bot" => () => services.AddSectionOptions<BotDefaultsOptions>(configuration, SiloConfiguration.BotSettings),
            "Gateway" => () => services.AddSectionOptions<GatewayOptions>(configuration, GatewayOptions.Settings),
            "Voice" => () => services.AddSectionOptions<VoiceTransportOptions>(configuration, VoiceTransportOptions.Settings),
            "Metrics" => () => services.AddSectionOptions<MetricsOptions>(configuration, MetricsOptions.Settings),
            "Usage" => () => services.AddSectionOptions<UsageOptions>(configuration, SiloConfiguration.UsageSettings),
            _ => throw new ArgumentOutOfRangeException(nameof(section), section, "no options class for this section"),
        };
        register();
    }
}
