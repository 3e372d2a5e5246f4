namespace Chorus.Discord.Models;

public sealed record DiscordVoiceState
{
    /// <summary>Absent on the voice states embedded in GUILD_CREATE.</summary>
    public ulong? GuildId { get; init; }

    public ulong? ChannelId { get; init; }

    public required ulong UserId { get; init; }

    public string? SessionId { get; init; }

    public DiscordGuildMember? Member { get; init; }

    public bool SelfMute { get; init; }

    public bool SelfDeaf { get; init; }

    public bool Mute { get; init; }

    public bool Deaf { get; init; }
}
