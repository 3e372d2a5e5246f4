using Chorus.Discord.Gateway;
using Chorus.Discord.Models;

namespace Chorus.Discord.Interactions;

/// <summary>
/// Discord's documented algorithm: guild base permissions from @everyone and the member's roles (owner and
/// Administrator get everything), then channel overwrites in order @everyone, roles (deny then allow, combined),
/// member; a channel the member cannot view grants nothing.
/// </summary>
public static class PermissionCalculator
{
    internal static Permissions ComputeBase(ulong guildId, ulong ownerId, IReadOnlyCollection<DiscordRole> roles, ulong userId, IReadOnlyCollection<ulong> memberRoles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(memberRoles);
        if (userId == ownerId)
        {
            return Permissions.All;
        }

        ulong permissions = 0;
        foreach (var role in roles)
        {
            if (role.Id == guildId || memberRoles.Contains(role.Id))
            {
                permissions |= role.Permissions;
            }
        }

        return (permissions & (ulong)Permissions.Administrator) != 0 ? Permissions.All : (Permissions)permissions;
    }

    /// <summary>A member's permissions in <paramref name="channel"/>: <paramref name="basePermissions"/> with the channel's @everyone, role and member overwrites applied in Discord's order; administrators keep every permission.</summary>
    public static Permissions ComputeOverwrites(Permissions basePermissions, ulong guildId, DiscordChannel channel, ulong userId, IReadOnlyCollection<ulong> memberRoles)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(memberRoles);
        if ((basePermissions & Permissions.Administrator) != 0 || basePermissions == Permissions.All)
        {
            return Permissions.All;
        }

        var permissions = (ulong)basePermissions;
        var everyone = channel.PermissionOverwrites.FirstOrDefault(o => o.Id == guildId);
        if (everyone is not null)
        {
            permissions = (permissions & ~everyone.Deny) | everyone.Allow;
        }

        ulong allow = 0;
        ulong deny = 0;
        foreach (var overwrite in channel.PermissionOverwrites)
        {
            if (overwrite.Type == PermissionOverwrite.RoleType && overwrite.Id != guildId && memberRoles.Contains(overwrite.Id))
            {
                allow |= overwrite.Allow;
                deny |= overwrite.Deny;
            }
        }

        permissions = (permissions & ~deny) | allow;
        var member = channel.PermissionOverwrites.FirstOrDefault(o => o.Type == PermissionOverwrite.MemberType && o.Id == userId);
        if (member is not null)
        {
            permissions = (permissions & ~member.Deny) | member.Allow;
        }

        // Without VIEW_CHANNEL every other channel permission is implicitly denied.
        return (permissions & (ulong)Permissions.ViewChannel) == 0 ? Permissions.None : (Permissions)permissions;
    }

    /// <summary>A member's permissions in a channel of a cached guild; null when the guild does not know the member or channel.</summary>
    public static Permissions? ForMember(CachedGuild guild, ulong userId, ulong channelId)
    {
        ArgumentNullException.ThrowIfNull(guild);
        var channel = guild.GetChannel(channelId);
        var member = guild.GetMember(userId);
        if (channel is null || (member is null && userId != guild.OwnerId))
        {
            return null;
        }

        IReadOnlyCollection<ulong> roles = member?.Roles ?? [];
        var basePermissions = ComputeBase(guild.Id, guild.OwnerId, guild.GetRoles(), userId, roles);
        return ComputeOverwrites(basePermissions, guild.Id, channel, userId, roles);
    }

    /// <summary>Which of VIEW_CHANNEL, CONNECT, SPEAK the member lacks in a voice channel (None = can join and talk).</summary>
    public static Permissions MissingVoicePermissions(Permissions granted)
    {
        const Permissions needed = Permissions.ViewChannel | Permissions.Connect | Permissions.Speak;
        return needed & ~granted;
    }
}
