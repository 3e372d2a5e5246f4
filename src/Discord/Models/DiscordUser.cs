namespace Chorus.Discord.Models;

public sealed record DiscordUser
{
    public required ulong Id { get; init; }

    public string? Username { get; init; }

    public bool? Bot { get; init; }
}
