using Chorus.Gateway.Hosting;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

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
        if (dashboard)
        {
            silo.AddDashboard(options => options.HideTrace = true);
        }

        AddGrainServices(silo.Services, configuration);
    }

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

    /// <summary>Every section a silo process reads: the gateway's (all-in-one) and the silo's own.</summary>
    public static IReadOnlyList<SettingsSection> Sections { get; } =
        [.. StartupCheck.GatewaySections, ChorusDashboardOptions.Settings, SqliteGrainStorageOptions.Settings, BotSettings];

    /// <summary>What the grains need from the container, in every host (tests included).</summary>
    public static void AddGrainServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Chorus.Grains.ILogRedaction, NoLogRedaction>();
        services.AddSectionOptions<BotDefaultsOptions>(configuration, BotSettings);
        services.AddSectionOptions<VoiceSessionOptions>(configuration, VoiceSessionSettings.Section);
    }

    /// <summary>A silo without the hosts' logging set-up (tests): nothing to protect.</summary>
    private sealed class NoLogRedaction : Chorus.Grains.ILogRedaction
    {
        public void Protect(string? text)
        {
        }
    }
}
