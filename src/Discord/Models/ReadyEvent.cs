namespace Chorus.Discord.Models;

/// <summary>The READY dispatch: the session is identified.</summary>
public sealed record ReadyEvent
{
    /// <summary>The gateway API version.</summary>
    public int V { get; init; }

    /// <summary>The bot user.</summary>
    public required DiscordUser User { get; init; }

    /// <summary>The bot's guilds, unavailable until their GUILD_CREATE arrives.</summary>
    public IReadOnlyList<UnavailableGuild> Guilds { get; init; } = [];

    /// <summary>The session id, needed to resume.</summary>
    public required string SessionId { get; init; }

    /// <summary>The URL to reconnect to when resuming.</summary>
    public required string ResumeGatewayUrl { get; init; }

    /// <summary>[shard id, shard count] of this session.</summary>
    public IReadOnlyList<int>? Shard { get; init; }

    /// <summary>The bot's application.</summary>
    public ReadyApplication? Application { get; init; }
}
