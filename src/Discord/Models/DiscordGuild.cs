namespace Chorus.Discord.Models;

/// <summary>The GUILD_CREATE payload (also used for an unavailable guild, which carries only the id).</summary>
public sealed record DiscordGuild
{
    /// <summary>The guild id.</summary>
    public required ulong Id { get; init; }

    /// <summary>The guild name.</summary>
    public string? Name { get; init; }

    /// <summary>The user id of the owner.</summary>
    public ulong OwnerId { get; init; }

    /// <summary>True when the guild is in an outage and the other fields are missing.</summary>
    public bool? Unavailable { get; init; }

    /// <summary>The guild's roles; the @everyone role's id is the guild id.</summary>
    public IReadOnlyList<DiscordRole> Roles { get; init; } = [];

    /// <summary>The guild's channels (GUILD_CREATE only).</summary>
    public IReadOnlyList<DiscordChannel> Channels { get; init; } = [];

    /// <summary>The members GUILD_CREATE included (not necessarily all).</summary>
    public IReadOnlyList<DiscordGuildMember> Members { get; init; } = [];

    /// <summary>The voice states at GUILD_CREATE: who is in which voice channel.</summary>
    public IReadOnlyList<DiscordVoiceState> VoiceStates { get; init; } = [];
}
