namespace Chorus.Discord.Models;

/// <summary>A guild member object.</summary>
public sealed record DiscordGuildMember
{
    /// <summary>The user; absent in some dispatches where the user is given elsewhere.</summary>
    public DiscordUser? User { get; init; }

    /// <summary>The member's guild nickname, if set.</summary>
    public string? Nick { get; init; }

    /// <summary>The ids of the member's roles (without @everyone).</summary>
    public IReadOnlyList<ulong> Roles { get; init; } = [];

    /// <summary>Only present on interaction members: the caller's permissions in the invoking channel.</summary>
    public ulong? Permissions { get; init; }
}
