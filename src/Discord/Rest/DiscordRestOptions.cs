namespace Chorus.Discord.Rest;

public sealed record DiscordRestOptions
{
    public const string DefaultApiBaseUrl = "https://discord.com/api/v10";

    public required string Token { get; init; }

    /// <summary>Base including the version, e.g. https://discord.com/api/v10 (or the emulator's).</summary>
    public string ApiBaseUrl { get; init; } = DefaultApiBaseUrl;

    public string UserAgent { get; init; } = "DiscordBot (https://github.com/chorus-bot/chorus, 1.0)";

    /// <summary>How many 429 answers one call tolerates before giving up.</summary>
    public int MaxRateLimitRetries { get; init; } = 5;

    /// <summary>Retries for 5xx and network failures (Polly, exponential backoff with jitter).</summary>
    public int TransientRetries { get; init; } = 3;

    public TimeSpan TransientRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest Retry-After we will sleep for; a longer one fails the call instead of hanging it.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public override string ToString() => $"DiscordRestOptions {{ ApiBaseUrl = {ApiBaseUrl} }}";
}
