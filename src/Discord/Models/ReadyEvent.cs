namespace Chorus.Discord.Models;

public sealed record ReadyEvent
{
    public int V { get; init; }

    public required DiscordUser User { get; init; }

    public IReadOnlyList<UnavailableGuild> Guilds { get; init; } = [];

    public required string SessionId { get; init; }

    public required string ResumeGatewayUrl { get; init; }

    public IReadOnlyList<int>? Shard { get; init; }

    public ReadyApplication? Application { get; init; }
}
