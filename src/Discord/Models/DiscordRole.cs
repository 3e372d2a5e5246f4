namespace Chorus.Discord.Models;

/// <summary>A guild role object.</summary>
public sealed record DiscordRole
{
    /// <summary>The role id; equal to the guild id for @everyone.</summary>
    public required ulong Id { get; init; }

    /// <summary>The role name.</summary>
    public string? Name { get; init; }

    /// <summary>The role's permission bit set (see <see cref="Chorus.Discord.Interactions.Permissions"/>).</summary>
    public ulong Permissions { get; init; }

    /// <summary>The role's position in the hierarchy.</summary>
    public int Position { get; init; }
}
