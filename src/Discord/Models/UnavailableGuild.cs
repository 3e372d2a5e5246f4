namespace Chorus.Discord.Models;

/// <summary>An unavailable guild object (READY, GUILD_DELETE).</summary>
public sealed record UnavailableGuild
{
    /// <summary>The guild id.</summary>
    public required ulong Id { get; init; }

    /// <summary>True for an outage; absent in GUILD_DELETE when the bot was removed from the guild.</summary>
    public bool? Unavailable { get; init; }
}
