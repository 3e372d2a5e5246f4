using Microsoft.Extensions.Configuration;
using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chorus.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// The bot's gateway services. Depends only on <see cref="IClusterClient"/>, so the same code runs
    /// in a gateway-only process (UseOrleansClient) and in the all-in-one process (UseOrleans).
    /// Register after UseOrleans/UseOrleansClient so it starts once Orleans is ready.
    /// </summary>
    public static IServiceCollection AddChorusGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName));
        services.AddOptions<VoiceSessionOptions>().Bind(configuration.GetSection(VoiceSessionOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISessionControlHandler, LoggingSessionControlHandler>();
        services.AddSingleton<SessionLeaseKeeper>();
        services.AddHostedService<GatewayLifetimeService>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionLeaseKeeper>());
        return services;
    }
}
