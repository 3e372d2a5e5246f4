namespace Chorus.Discord.Models;

public sealed record DiscordRole
{
    public required ulong Id { get; init; }

    public string? Name { get; init; }

    public ulong Permissions { get; init; }

    public int Position { get; init; }
}
