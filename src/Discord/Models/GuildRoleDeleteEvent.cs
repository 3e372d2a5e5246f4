namespace Chorus.Discord.Models;

public sealed record GuildRoleDeleteEvent
{
    public required ulong GuildId { get; init; }

    public required ulong RoleId { get; init; }
}
