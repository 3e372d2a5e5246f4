namespace Chorus.Discord.Models;

internal sealed record GuildRoleDeleteEvent
{
    public required ulong GuildId { get; init; }

    public required ulong RoleId { get; init; }
}
