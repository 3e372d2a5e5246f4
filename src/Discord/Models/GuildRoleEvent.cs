namespace Chorus.Discord.Models;

/// <summary>GUILD_ROLE_CREATE / GUILD_ROLE_UPDATE.</summary>
internal sealed record GuildRoleEvent
{
    public required ulong GuildId { get; init; }

    public required DiscordRole Role { get; init; }
}
