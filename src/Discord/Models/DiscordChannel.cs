namespace Chorus.Discord.Models;

/// <summary>A guild channel object, as in GUILD_CREATE and CHANNEL_* dispatches.</summary>
public sealed record DiscordChannel
{
    /// <summary>Channel type GUILD_TEXT (0).</summary>
    public const int GuildText = 0;
    /// <summary>Channel type GUILD_VOICE (2).</summary>
    public const int GuildVoice = 2;
    /// <summary>Channel type GUILD_CATEGORY (4).</summary>
    public const int GuildCategory = 4;
    /// <summary>Channel type GUILD_STAGE_VOICE (13).</summary>
    public const int GuildStageVoice = 13;

    /// <summary>The channel id.</summary>
    public required ulong Id { get; init; }

    /// <summary>The channel type (<see cref="GuildText"/>, <see cref="GuildVoice"/> and so on).</summary>
    public int Type { get; init; }

    /// <summary>The guild id; absent in GUILD_CREATE's channel list.</summary>
    public ulong? GuildId { get; init; }

    /// <summary>The channel name.</summary>
    public string? Name { get; init; }

    /// <summary>The category the channel is in, if any.</summary>
    public ulong? ParentId { get; init; }

    /// <summary>For a voice channel: the most users it admits; 0 or null for no limit.</summary>
    public int? UserLimit { get; init; }

    /// <summary>The channel's role and member permission overwrites.</summary>
    public IReadOnlyList<PermissionOverwrite> PermissionOverwrites { get; init; } = [];

    /// <summary>True for voice and stage channels.</summary>
    public bool IsVoice => Type is GuildVoice or GuildStageVoice;
}
