namespace Chorus.Discord.Models;

/// <summary>A user object.</summary>
public sealed record DiscordUser
{
    /// <summary>The user id.</summary>
    public required ulong Id { get; init; }

    /// <summary>The username.</summary>
    public string? Username { get; init; }

    /// <summary>True for bot accounts.</summary>
    public bool? Bot { get; init; }
}
