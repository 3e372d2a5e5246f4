namespace Chorus.Discord.Models;

public sealed record DiscordGuildMember
{
    public DiscordUser? User { get; init; }

    public string? Nick { get; init; }

    public IReadOnlyList<ulong> Roles { get; init; } = [];

    /// <summary>Only present on interaction members: the caller's permissions in the invoking channel.</summary>
    public ulong? Permissions { get; init; }
}
