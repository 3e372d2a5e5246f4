namespace Chorus.Emulators.Discord;

public sealed record DiscordEmulatorOptions
{
    public string Token { get; init; } = "emulator-bot-token";

    public ulong ApplicationId { get; init; } = 1_100_000_000_000_000_001;

    public ulong BotUserId { get; init; } = 1_100_000_000_000_000_001;

    public string BotUsername { get; init; } = "chorus";

    public int HeartbeatIntervalMs { get; init; } = 41_250;

    /// <summary>Shard count returned by GET /gateway/bot.</summary>
    public int RecommendedShards { get; init; } = 1;

    public int MaxConcurrency { get; init; } = 1;

    /// <summary>
    /// Discord admits one identify per <c>max_concurrency</c> bucket (<c>shard_id % max_concurrency</c>) per 5 s and
    /// answers one sent sooner with op 9 (invalid session, not resumable). Zero (the default, for tests that start many
    /// shards at once) does not enforce it.
    /// </summary>
    public TimeSpan IdentifyInterval { get; init; } = TimeSpan.Zero;

    /// <summary>session_start_limit.remaining / reset_after (ms) reported by GET /gateway/bot.</summary>
    public int SessionStartRemaining { get; init; } = 999;

    public long SessionStartResetAfterMs { get; init; } = 86_400_000;

    /// <summary>Intent bits the "developer portal" has not enabled: identifying with any of them closes 4014.</summary>
    public int DisallowedIntents { get; init; } = (1 << 1) | (1 << 8) | (1 << 15);

    /// <summary>Client messages allowed per connection per minute before a 4008 close.</summary>
    public int ClientMessagesPerMinute { get; init; } = 120;

    /// <summary>The clock the emulator's record times (<see cref="DiscordEmulator.GatewayConnects"/>, identifies, REST requests) are read from.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IVoiceServerProvider VoiceServers { get; init; } = new FakeVoiceServerProvider();
}
