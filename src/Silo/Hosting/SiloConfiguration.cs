using Chorus.Gateway.Hosting;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Silo.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        }
        if (dashboard)
        {
            silo.AddDashboard(options => options.HideTrace = true);
        }

        AddGrainServices(silo.Services, configuration);
    }

    /// <summary>What the grains need from the container, in every host (tests included).</summary>
    public static void AddGrainServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BotDefaultsOptions>()
            .Bind(configuration.GetSection(BotDefaultsOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => GuildSettingsRules.CheckPersona(o.Persona) is null, "Bot:Persona (BOT_PERSONALITY) is not a valid persona")
            .Validate(o => GuildSettingsRules.CheckModel(o.ModelId) is null, "Bot:ModelId (GEMINI_MODEL_ID) is not a model id")
            .Validate(o => GuildSettingsRules.CheckLanguage(o.LanguageCode) is null, "Bot:LanguageCode is not a BCP-47 language code")
            .ValidateOnStart();
        services.AddOptions<VoiceSessionOptions>()
            .Bind(configuration.GetSection(VoiceSessionOptions.SectionName))
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "Sessions:LeaseDuration must be at least 00:00:01")
            .Validate(o => o.RenewalInterval > TimeSpan.Zero && o.RenewalInterval < o.LeaseDuration,
                "Sessions:RenewalInterval must be positive and shorter than Sessions:LeaseDuration")
            .ValidateOnStart();
    }
}
