using Chorus.Discord.Diagnostics;
namespace Chorus.Discord.Gateway;

/// <summary>Settings of one gateway shard connection. The token is never part of <see cref="ToString"/>.</summary>
public sealed record GatewayClientOptions
{
    /// <summary>Discord's public gateway URL, the default of <see cref="GatewayUrl"/>.</summary>
    public const string DefaultGatewayUrl = "wss://gateway.discord.gg";

    /// <summary>The bot token, sent only in identify; never logged.</summary>
    public required string Token { get; init; }

    /// <summary>Base gateway URL (from GET /gateway/bot); the query ?v=10&amp;encoding=json is appended.</summary>
    public string GatewayUrl { get; init; } = DefaultGatewayUrl;

    /// <summary>The gateway intents sent in identify.</summary>
    public GatewayIntents Intents { get; init; } = GatewayIntents.VoiceBot;

    /// <summary>This shard's index, 0 to <see cref="ShardCount"/> - 1.</summary>
    public int ShardId { get; init; }

    /// <summary>The total number of shards.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>Member count (50-250) above which Discord omits offline members from GUILD_CREATE; null leaves Discord's default.</summary>
    public int? LargeThreshold { get; init; }

    /// <summary>Time allowed for the WebSocket handshake and the hello (op 10).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Delay before the second consecutive reconnect attempt; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the backoff between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Discord asks for a random 1-5 s wait before re-identifying after op 9.</summary>
    public TimeSpan InvalidSessionMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the random wait before re-identifying after op 9.</summary>
    public TimeSpan InvalidSessionMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message accepted; anything bigger is dropped and counted.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Jitter factor in [0,1) for the first heartbeat; injectable for tests.</summary>
    public Func<double> HeartbeatJitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>The clock for heartbeats, backoff and rate limits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gateway commands allowed per <see cref="SendWindow"/> (Discord allows 120 per 60 s).</summary>
    public int SendLimit { get; init; } = GatewaySendLimiter.DiscordLimit;

    /// <summary>The window <see cref="SendLimit"/> applies to.</summary>
    public TimeSpan SendWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where this client's exported events are counted; <see cref="DiscordMetrics.Default"/> when null.</summary>
    public DiscordMetrics? Metrics { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"GatewayClientOptions {{ GatewayUrl = {GatewayUrl}, Shard = {ShardId}/{ShardCount}, Intents = {Intents} }}";
}
