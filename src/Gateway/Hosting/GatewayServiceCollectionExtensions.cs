using Chorus.Gateway.Commands;
using Chorus.Gateway.Sessions;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Configuration;
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
        services.AddOptions<VoiceTransportOptions>().Bind(configuration.GetSection(VoiceTransportOptions.SectionName));
        services.AddOptions<GeminiClientOptions>().Bind(configuration.GetSection(GeminiClientOptions.SectionName));
        services.AddSingleton(sp => new SessionLeaseKeeper(
            sp.GetRequiredService<IClusterClient>(), null, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<VoiceSessionOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SessionLeaseKeeper>>()));
        services.AddSingleton(sp =>
        {
            var rest = sp.GetRequiredService<Chorus.Discord.Rest.DiscordRestClient>();
            var useTls = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<VoiceTransportOptions>>().Value.UseTls;
            return new VoiceSessionRunner(
                sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<SessionLeaseKeeper>(),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GeminiClientOptions>>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(),
                voiceOptions: o => o with { UseTls = useTls })
            {
                PostMessage = (channelId, text, ct) =>
                    rest.CreateMessageAsync(channelId, new Chorus.Discord.Interactions.MessageBody { Content = text }, ct),
            };
        });
        services.AddSingleton(sp => new ConversationJoiner(
            sp.GetRequiredService<Chorus.Gateway.Commands.SignallingVoiceChannelJoiner>(),
            sp.GetRequiredService<Chorus.Discord.Gateway.VoiceSignalling>(),
            sp.GetRequiredService<VoiceSessionRunner>(), sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ConversationJoiner>>()));
        services.TryAddSingleton<Chorus.Gateway.Commands.IVoiceChannelJoiner>(sp => sp.GetRequiredService<ConversationJoiner>());
        services.AddChorusDiscord(configuration);
        services.AddHostedService<GatewayLifetimeService>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionLeaseKeeper>());
        return services;
    }
}
