using Chorus.Gateway.Hosting;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Grains.Usage;
using Chorus.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

namespace Chorus.Silo.Hosting;

/// <summary>Silo set-up shared by the host and the tests.</summary>
public static class SiloConfiguration
{
    /// <summary>
    /// Providers come from Orleans' own configuration section (<c>Orleans:Clustering:ProviderType</c>,
    /// <c>Orleans:GrainStorage:Default:ProviderType</c>, <c>Orleans:Reminders:ProviderType</c>), which
    /// Orleans applies by itself. What is left unconfigured gets the embedded defaults: localhost
    /// clustering and the SQLite file store.
    /// </summary>
    public static void Configure(ISiloBuilder silo, IConfiguration configuration, bool dashboard)
    {
        if (string.IsNullOrEmpty(configuration["Orleans:Clustering:ProviderType"]))
        {
            silo.UseLocalhostClustering(
                siloPort: configuration.GetValue("Chorus:SiloPort", 11111),
                gatewayPort: configuration.GetValue("Chorus:GatewayPort", 30000),
                serviceId: configuration["Orleans:ServiceId"] ?? ChorusConfiguration.DefaultClusterIdentity,
                clusterId: configuration["Orleans:ClusterId"] ?? ChorusConfiguration.DefaultClusterIdentity);
        }
        if (string.IsNullOrEmpty(configuration["Orleans:GrainStorage:Default:ProviderType"]))
        {
            silo.AddSqliteGrainStorage(Chorus.Grains.GrainStorageNames.Default, options =>
                configuration.GetSection("Storage:Sqlite").Bind(options));
            silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteGrainStorageOptions>, SectionValidator<SqliteGrainStorageOptions>>(
                _ => new SectionValidator<SqliteGrainStorageOptions>(configuration, SqliteGrainStorageOptions.Settings)));
            silo.Services.AddOptions<SqliteGrainStorageOptions>(Chorus.Grains.GrainStorageNames.Default).ValidateOnStart();
        }
        // Every provider that takes the default serializer (Redis) stores grain state in Orleans' own format, as the
        // SQLite store does: the default, Newtonsoft with reference tracking, wrote a voice session whose two counters
        // were equal records as a reference it could not read back, so the grain never reactivated on another silo.
        silo.Services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
        if (dashboard)
        {
            silo.AddDashboard(options => options.HideTrace = true);
        }

        if (RunsInKubernetesPod(configuration))
        {
            // The pod's name and IP become the silo's, and silos whose pods are gone are declared dead without waiting
            // for the membership probes; clustering itself stays on the configured provider (Redis).
            silo.UseKubernetesHosting();
        }

        AddGrainServices(silo.Services, configuration);
    }

    /// <summary>
    /// A pod whose manifest passes its name and namespace (downward API, deploy/kubernetes/silo.yaml): the variables
    /// Orleans' Kubernetes hosting reads. Anywhere else (a container under Compose, a plain process) they are unset.
    /// </summary>
    public static bool RunsInKubernetesPod(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["POD_NAME"]) && !string.IsNullOrEmpty(configuration["POD_NAMESPACE"]);

    /// <summary>
    /// The grain defaults (section "Bot"), judged by the same rules as a guild's own settings; declared here because
    /// <see cref="BotDefaultsOptions"/> lives with the grains, which know nothing of hosting.
    /// </summary>
    public static SettingsSection BotSettings { get; } = new(BotDefaultsOptions.SectionName, HostedParts.Silo)
    {
        { nameof(BotDefaultsOptions.ModelId), "a model id such as gemini-3.8-live", v => GuildSettingsRules.CheckModel(v) is null },
        { nameof(BotDefaultsOptions.LanguageCode), "a BCP-47 language code such as en-US", v => GuildSettingsRules.CheckLanguage(v) is null },
        {
            nameof(BotDefaultsOptions.Persona),
            $"1 to {GuildSettingsRules.MaxPersonaLength} characters without control characters other than newlines and tabs",
            v => GuildSettingsRules.CheckPersona(v) is null
        },
        { nameof(BotDefaultsOptions.VoiceName), "one of " + string.Join(", ", PrebuiltVoices.All), PrebuiltVoices.IsKnown },
    };

    /// <summary>Prices, budgets and the cap on concurrent sessions (section "Usage"), read by the session and usage grains.</summary>
    public static SettingsSection UsageSettings { get; } = new(UsageOptions.SectionName, HostedParts.Silo, CheckGuildBudgets)
    {
        { "Prices:InputTextPerMillion", UsdAmount, IsUsdAmount },
        { "Prices:InputAudioPerMillion", UsdAmount, IsUsdAmount },
        { "Prices:OutputTextPerMillion", UsdAmount, IsUsdAmount },
        { "Prices:OutputAudioPerMillion", UsdAmount, IsUsdAmount },
        { nameof(UsageOptions.DailyBudgetUsd), UsdAmount, IsUsdAmount },
        { nameof(UsageOptions.MaxConcurrentSessions), "a whole number of sessions from 1 to 1000000", v => SettingRules.IsInt(v, 1, 1_000_000) },
        // Keys are guild ids; each entry is judged by CheckGuildBudgets.
        nameof(UsageOptions.GuildDailyBudgetsUsd),
    };

    private const string UsdAmount = "an amount of US dollars of 0 or more, such as 2.50";

    /// <summary>Every section a silo process reads: the gateway's (all-in-one) and the silo's own.</summary>
    public static IReadOnlyList<SettingsSection> Sections { get; } =
        [.. StartupCheck.GatewaySections, ChorusDashboardOptions.Settings, SqliteGrainStorageOptions.Settings, BotSettings, UsageSettings];

    /// <summary>What the grains need from the container, in every host (tests included).</summary>
    public static void AddGrainServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Chorus.Grains.ILogRedaction, NoLogRedaction>();
        services.AddSectionOptions<BotDefaultsOptions>(configuration, BotSettings);
        services.AddSectionOptions<VoiceSessionOptions>(configuration, VoiceSessionSettings.Section);
        services.AddSectionOptions<Chorus.Grains.Sharding.ShardLeaseOptions>(configuration, ShardLeaseSettings.Section);
        services.AddSectionOptions<UsageOptions>(configuration, UsageSettings);
        services.AddMetrics();
        services.TryAddSingleton<UsageMetrics>();
        services.AddSingleton<IIncomingGrainCallFilter, ClientReadableExceptionFilter>();
    }

    private static string? CheckGuildBudgets(IConfiguration configuration)
    {
        foreach (var entry in configuration.GetSection("Usage:GuildDailyBudgetsUsd").GetChildren())
        {
            if (!ulong.TryParse(entry.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return SettingsSection.Describe(entry.Path, entry.Value ?? "", "a guild id (a number) as the key, such as Usage:GuildDailyBudgetsUsd:123456789012345678=5");
            }

            if (entry.Value is null || !IsUsdAmount(entry.Value))
            {
                return SettingsSection.Describe(entry.Path, entry.Value ?? "", UsdAmount);
            }
        }

        return null;
    }

    private static bool IsUsdAmount(string value) =>
        decimal.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount >= 0;

    /// <summary>A silo without the hosts' logging set-up (tests): nothing to protect.</summary>
    private sealed class NoLogRedaction : Chorus.Grains.ILogRedaction
    {
        public void Protect(string? text)
        {
        }
    }
}
