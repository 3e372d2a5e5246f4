namespace Chorus.Discord.Models;

/// <summary>The GUILD_CREATE payload (also used for an unavailable guild, which carries only the id).</summary>
public sealed record DiscordGuild
{
    public required ulong Id { get; init; }

    public string? Name { get; init; }

    public ulong OwnerId { get; init; }

    public bool? Unavailable { get; init; }

    public IReadOnlyList<DiscordRole> Roles { get; init; } = [];

    public IReadOnlyList<DiscordChannel> Channels { get; init; } = [];

    public IReadOnlyList<DiscordGuildMember> Members { get; init; } = [];

    public IReadOnlyList<DiscordVoiceState> VoiceStates { get; init; } = [];
}
