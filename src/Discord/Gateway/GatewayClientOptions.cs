namespace Chorus.Discord.Gateway;

public sealed record GatewayClientOptions
{
    public const string DefaultGatewayUrl = "wss://gateway.discord.gg";

    public required string Token { get; init; }

    /// <summary>Base gateway URL (from GET /gateway/bot); the query ?v=10&amp;encoding=json is appended.</summary>
    public string GatewayUrl { get; init; } = DefaultGatewayUrl;

    public GatewayIntents Intents { get; init; } = GatewayIntents.VoiceBot;

    public int ShardId { get; init; }

    public int ShardCount { get; init; } = 1;

    public int? LargeThreshold { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Delay before the second consecutive reconnect attempt; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Discord asks for a random 1-5 s wait before re-identifying after op 9.</summary>
    public TimeSpan InvalidSessionMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan InvalidSessionMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message accepted; anything bigger is dropped and counted.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Jitter factor in [0,1) for the first heartbeat; injectable for tests.</summary>
    public Func<double> HeartbeatJitter { get; init; } = Random.Shared.NextDouble;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public int SendLimit { get; init; } = GatewaySendLimiter.DiscordLimit;

    public TimeSpan SendWindow { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => $"GatewayClientOptions {{ GatewayUrl = {GatewayUrl}, Shard = {ShardId}/{ShardCount}, Intents = {Intents} }}";
}
