using Chorus.Discord.Diagnostics;
namespace Chorus.Discord.Rest;

/// <summary>Settings of the REST client. The token is never part of <see cref="ToString"/>.</summary>
public sealed record DiscordRestOptions
{
    /// <summary>Discord's API base URL, version 10.</summary>
    public const string DefaultApiBaseUrl = "https://discord.com/api/v10";

    /// <summary>The bot token, sent as <c>Authorization: Bot ...</c>; never logged.</summary>
    public required string Token { get; init; }

    /// <summary>Base including the version, e.g. https://discord.com/api/v10 (or the emulator's).</summary>
    public string ApiBaseUrl { get; init; } = DefaultApiBaseUrl;

    /// <summary>The User-Agent header Discord requires of bots.</summary>
    public string UserAgent { get; init; } = "DiscordBot (https://github.com/chorus-bot/chorus, 1.0)";

    /// <summary>How many 429 answers one call tolerates before giving up.</summary>
    public int MaxRateLimitRetries { get; init; } = 5;

    /// <summary>Retries for 5xx and network failures (Polly, exponential backoff with jitter).</summary>
    public int TransientRetries { get; init; } = 3;

    /// <summary>The first backoff delay of a transient retry; later ones grow exponentially.</summary>
    public TimeSpan TransientRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest Retry-After we will sleep for; a longer one fails the call instead of hanging it.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock for rate-limit waits and retry backoff.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where this client's exported events are counted; <see cref="DiscordMetrics.Default"/> when null.</summary>
    public DiscordMetrics? Metrics { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"DiscordRestOptions {{ ApiBaseUrl = {ApiBaseUrl} }}";
}
