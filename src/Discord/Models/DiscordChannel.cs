namespace Chorus.Discord.Models;

public sealed record DiscordChannel
{
    public const int GuildText = 0;
    public const int GuildVoice = 2;
    public const int GuildCategory = 4;
    public const int GuildStageVoice = 13;

    public required ulong Id { get; init; }

    public int Type { get; init; }

    public ulong? GuildId { get; init; }

    public string? Name { get; init; }

    public ulong? ParentId { get; init; }

    public int? UserLimit { get; init; }

    public IReadOnlyList<PermissionOverwrite> PermissionOverwrites { get; init; } = [];

    public bool IsVoice => Type is GuildVoice or GuildStageVoice;
}
