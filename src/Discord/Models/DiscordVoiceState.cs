namespace Chorus.Discord.Models;

/// <summary>A voice state object (VOICE_STATE_UPDATE, GUILD_CREATE): where a user is in voice.</summary>
public sealed record DiscordVoiceState
{
    /// <summary>Absent on the voice states embedded in GUILD_CREATE.</summary>
    public ulong? GuildId { get; init; }

    /// <summary>The voice channel the user is in; null when the user left voice.</summary>
    public ulong? ChannelId { get; init; }

    /// <summary>The user id.</summary>
    public required ulong UserId { get; init; }

    /// <summary>The user's voice session id; the bot's own is needed for the voice gateway's identify.</summary>
    public string? SessionId { get; init; }

    /// <summary>The guild member, when Discord included it.</summary>
    public DiscordGuildMember? Member { get; init; }

    /// <summary>The user muted themselves.</summary>
    public bool SelfMute { get; init; }

    /// <summary>The user deafened themselves.</summary>
    public bool SelfDeaf { get; init; }

    /// <summary>The guild muted the user.</summary>
    public bool Mute { get; init; }

    /// <summary>The guild deafened the user.</summary>
    public bool Deaf { get; init; }
}
