using Chorus.Discord.Gateway;
using Chorus.Discord.Rest;
using Chorus.Gateway.Diagnostics;
using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Commands;

public static class DiscordServiceCollectionExtensions
{
    /// <summary>
    /// The Discord side of the gateway process: REST client, shard set, voice signalling, slash commands, auto-leave and the
    /// hosted service that starts them. Needs <see cref="IGrainFactory"/> (the cluster client) in the container.
    /// </summary>
    public static IServiceCollection AddChorusDiscord(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSectionOptions<DiscordOptions>(configuration, DiscordOptions.Settings)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Token), "DISCORD_TOKEN (Discord:Token) is missing; expected the bot token from the Discord developer portal.");
        services.AddSectionOptions<CommandOptions>(configuration, CommandOptions.Settings)
            .Configure<IOptions<GatewayOptions>>((commands, gateway) => commands.GatewayId = gateway.Value.Id);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(sp =>
        {
            var discord = sp.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new DiscordRestClient(
                new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
                new DiscordRestOptions
                {
                    Token = discord.Token,
                    ApiBaseUrl = discord.ApiBaseUrl,
                    TimeProvider = sp.GetRequiredService<TimeProvider>(),
                    Metrics = sp.GetService<ChorusMetrics>()?.Discord,
                },
                sp.GetRequiredService<ILogger<DiscordRestClient>>());
        });
        services.AddSingleton(sp =>
        {
            var discord = sp.GetRequiredService<IOptions<DiscordOptions>>().Value;
            (var ids, var count) = ShardSetOptions.Parse(discord.ShardIds, discord.ShardCount);
            return new ShardSet(
                new ShardSetOptions
                {
                    Token = discord.Token,
                    ShardIds = ids,
                    ShardCount = count,
                    GatewayUrl = string.IsNullOrWhiteSpace(discord.GatewayUrl) ? null : discord.GatewayUrl,
                    TimeProvider = sp.GetRequiredService<TimeProvider>(),
                    Metrics = sp.GetService<ChorusMetrics>()?.Discord,
                    // Every gateway process of the bot takes its identify slots from the cluster.
                    IdentifyGateFactory = limits => new Chorus.Gateway.Sharding.ClusterIdentifyGate(
                        sp.GetRequiredService<IGrainFactory>(), limits, sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILogger<Chorus.Gateway.Sharding.ClusterIdentifyGate>>()),
                },
                sp.GetRequiredService<DiscordRestClient>(),
                sp.GetRequiredService<ILoggerFactory>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<ShardSet>().Voice);
        services.AddSingleton(sp => new SignallingVoiceChannelJoiner(
            sp.GetRequiredService<VoiceSignalling>(),
            sp.GetRequiredService<IOptions<CommandOptions>>().Value.VoiceJoinTimeout,
            sp.GetRequiredService<ILogger<SignallingVoiceChannelJoiner>>()));
        services.TryAddSingleton<IVoiceChannelJoiner>(sp => sp.GetRequiredService<SignallingVoiceChannelJoiner>());

        services.AddSingleton<ISlashCommand>(sp => new JoinCommand(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IVoiceChannelJoiner>(), sp.GetRequiredService<IOptions<CommandOptions>>().Value));
        services.AddSingleton<ISlashCommand>(sp => new LeaveCommand(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IVoiceChannelJoiner>()));
        services.AddSingleton<ISlashCommand>(sp => new PersonaCommand(sp.GetRequiredService<IGrainFactory>(), sp.GetService<Chorus.Grains.ILogRedaction>()));
        services.AddSingleton<ISlashCommand>(sp => new StatusCommand(sp.GetRequiredService<IGrainFactory>()));
        services.AddSingleton<ISlashCommand>(sp => new UsageCommand(sp.GetRequiredService<IGrainFactory>()));
        services.AddSingleton<ISlashCommand>(sp => new SettingsCommand(sp.GetRequiredService<IGrainFactory>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CommandOptions>>().Value;
            return new CommandRateLimiter(options.RateLimitBurst, options.RateLimitPeriod, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var shards = sp.GetRequiredService<ShardSet>();
            return new InteractionDispatcher(
                sp.GetRequiredService<DiscordRestClient>(), shards.Cache, () => shards.UserId, sp.GetServices<ISlashCommand>(),
                sp.GetRequiredService<IOptions<CommandOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<InteractionDispatcher>>(), sp.GetRequiredService<CommandRateLimiter>());
        });
        services.AddSingleton(sp =>
        {
            var shards = sp.GetRequiredService<ShardSet>();
            return new EmptyChannelWatcher(
                shards.Cache, () => shards.UserId, sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IVoiceChannelJoiner>(),
                sp.GetRequiredService<IOptions<DiscordOptions>>().Value.AutoLeaveAfter, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<EmptyChannelWatcher>>());
        });
        services.AddHostedService<DiscordBotService>();
        return services;
    }
}
