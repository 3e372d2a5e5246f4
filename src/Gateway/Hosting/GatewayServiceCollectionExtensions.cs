using Chorus.Gateway.Commands;
using Chorus.Gateway.Diagnostics;
using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chorus.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// The gateway process's services. Depends only on <see cref="IClusterClient"/>, so the same code runs
    /// in a gateway-only process (UseOrleansClient) and in the all-in-one process (UseOrleans).
    /// Register after UseOrleans/UseOrleansClient so it starts once Orleans is ready.
    /// </summary>
    public static IServiceCollection AddChorusGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSectionOptions<ChorusHostOptions>(configuration, ChorusHostOptions.Settings);
        services.AddSectionOptions<GatewayOptions>(configuration, GatewayOptions.Settings);
        services.AddSectionOptions<VoiceSessionOptions>(configuration, VoiceSessionSettings.Section);
        services.TryAddSingleton(TimeProvider.System);
        // Also in the service defaults; here too for containers built without them (tests).
        services.AddMetrics();
        services.TryAddSingleton<ChorusMetrics>();
        services.AddSectionOptions<VoiceTransportOptions>(configuration, VoiceTransportOptions.Settings);
        services.AddSectionOptions<GeminiClientOptions>(configuration, GeminiClientOptions.Settings);
        services.AddSingleton(sp => new SessionLeaseKeeper(
            sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<VoiceSessionOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SessionLeaseKeeper>>()));
        services.AddSingleton<IDiscordSessionActions>(sp => new DiscordSessionActions(
            sp.GetRequiredService<Chorus.Discord.Gateway.VoiceSignalling>(), sp.GetRequiredService<Chorus.Discord.Rest.DiscordRestClient>()));
        services.AddSingleton(sp => new VoiceCredentialRefresher(
            sp.GetRequiredService<Chorus.Discord.Gateway.VoiceSignalling>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CommandOptions>>().Value.VoiceJoinTimeout,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<VoiceCredentialRefresher>>()));
        services.AddSingleton(sp =>
        {
            var useTls = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<VoiceTransportOptions>>().Value.UseTls;
            return new VoiceSessionRunner(
                sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<SessionLeaseKeeper>(),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GeminiClientOptions>>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), sp.GetRequiredService<IDiscordSessionActions>(),
                voiceOptions: o => o with { UseTls = useTls }, time: sp.GetRequiredService<TimeProvider>(),
                limits: sp.GetService<SessionTimeLimits>(), credentialRefresher: sp.GetRequiredService<VoiceCredentialRefresher>(),
                metrics: sp.GetRequiredService<ChorusMetrics>(),
                redaction: sp.GetService<Chorus.Grains.ILogRedaction>());
        });
        services.AddSingleton(sp => new SessionControlDispatcher(
            sp.GetRequiredService<SessionLeaseKeeper>(), sp.GetRequiredService<VoiceSessionRunner>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SessionControlDispatcher>>()));
        services.AddSingleton(sp => new ConversationJoiner(
            sp.GetRequiredService<Chorus.Gateway.Commands.SignallingVoiceChannelJoiner>(),
            sp.GetRequiredService<Chorus.Discord.Gateway.VoiceSignalling>(),
            sp.GetRequiredService<VoiceSessionRunner>(), sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ConversationJoiner>>(),
            (guildId, channelId) => sp.GetRequiredService<Chorus.Discord.Gateway.ShardSet>().Cache.Get(guildId)?.GetChannel(channelId) is not null));
        services.TryAddSingleton<Chorus.Gateway.Commands.IVoiceChannelJoiner>(sp => sp.GetRequiredService<ConversationJoiner>());
        // Hosted services start in this order and stop in reverse: the joiner follows voice moves before the shards
        // connect; pushes are dispatched only while the lease keeper runs, and stop being acted on before it stops.
        services.AddHostedService(sp => sp.GetRequiredService<ConversationJoiner>());
        services.AddChorusDiscord(configuration);
        StartDiscordInTheBackground(services);
        services.AddHostedService<GatewayLifetimeService>();
        services.TryAddSingleton(_ => new ClusterConnectionHealth(configuration));
        services.AddChorusHealthChecks()
            .AddCheck<ClusterConnectionHealth>("cluster")
            .AddCheck<DiscordHealthCheck>("discord")
            .AddCheck<VoiceHealthCheck>("voice");
        services.AddHostedService(sp => sp.GetRequiredService<SessionLeaseKeeper>());
        services.AddHostedService(sp => sp.GetRequiredService<SessionControlDispatcher>());
        // Last, so that it stops first: a stopping process hands its shards and sessions over while everything else runs.
        services.AddSectionOptions<Chorus.Grains.Sharding.ShardLeaseOptions>(configuration, ShardLeaseSettings.Section);
        services.AddSingleton(sp => new Chorus.Gateway.Sharding.ShardOwnership(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<Chorus.Discord.Gateway.ShardSet>(), sp.GetRequiredService<VoiceSessionRunner>(),
            sp.GetRequiredService<Chorus.Gateway.Commands.SignallingVoiceChannelJoiner>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Chorus.Grains.Sharding.ShardLeaseOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Chorus.Gateway.Sharding.ShardOwnership>>()));
        services.AddHostedService(sp => sp.GetRequiredService<Chorus.Gateway.Sharding.ShardOwnership>());
        return services;
    }

    /// <summary>
    /// AddChorusDiscord starts the bot inside the host's start, which holds back every hosted service after it (the
    /// web server with /alive and /health among them) until Discord answers; here <see cref="DiscordStartup"/> takes
    /// its place and starts it in the background.
    /// </summary>
    private static void StartDiscordInTheBackground(IServiceCollection services)
    {
        var index = services.ToList().FindIndex(d =>
            d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationType == typeof(DiscordBotService));
        if (index < 0)
        {
            return;
        }

        services.RemoveAt(index);
        services.Insert(index, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<DiscordStartup>()));
        services.TryAddSingleton<DiscordBotService>();
        services.TryAddSingleton<DiscordStartup>();
    }
}
