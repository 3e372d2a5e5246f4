using Chorus.Discord.Interactions;
using Chorus.Discord.Models;

namespace Chorus.Discord.Tests.Interactions;

public sealed class PermissionCalculatorTests
{
    private const ulong Guild = 1000;
    private const ulong Owner = 1;
    private const ulong User = 2;
    private const ulong Dj = 3000;
    private const ulong Muted = 3001;
    private const ulong Admin = 3002;

    private static readonly DiscordRole[] Roles =
    [
        new() { Id = Guild, Permissions = (ulong)(Permissions.ViewChannel | Permissions.Connect | Permissions.Speak) },
        new() { Id = Dj, Permissions = (ulong)Permissions.ManageGuild },
        new() { Id = Muted, Permissions = 0 },
        new() { Id = Admin, Permissions = (ulong)Permissions.Administrator },
    ];

    private static DiscordChannel Channel(params PermissionOverwrite[] overwrites) =>
        new() { Id = 77, Type = DiscordChannel.GuildVoice, PermissionOverwrites = overwrites };

    [Fact]
    public void Base_permissions_combine_everyone_and_member_roles()
    {
        var permissions = PermissionCalculator.ComputeBase(Guild, Owner, Roles, User, [Dj]);
        Assert.Equal(Permissions.ViewChannel | Permissions.Connect | Permissions.Speak | Permissions.ManageGuild, permissions);
        Assert.Equal(Permissions.All, PermissionCalculator.ComputeBase(Guild, Owner, Roles, Owner, []));
        Assert.Equal(Permissions.All, PermissionCalculator.ComputeBase(Guild, Owner, Roles, User, [Admin]));
    }

    [Fact]
    public void Overwrites_apply_everyone_then_roles_then_member()
    {
        var basePermissions = PermissionCalculator.ComputeBase(Guild, Owner, Roles, User, [Muted]);
        var channel = Channel(
            new PermissionOverwrite { Id = Guild, Type = PermissionOverwrite.RoleType, Deny = (ulong)Permissions.Connect },
            new PermissionOverwrite { Id = Muted, Type = PermissionOverwrite.RoleType, Deny = (ulong)Permissions.Speak });
        var result = PermissionCalculator.ComputeOverwrites(basePermissions, Guild, channel, User, [Muted]);
        Assert.Equal(Permissions.Connect | Permissions.Speak, PermissionCalculator.MissingVoicePermissions(result));

        var withMemberAllow = Channel(
            new PermissionOverwrite { Id = Guild, Type = PermissionOverwrite.RoleType, Deny = (ulong)Permissions.Connect },
            new PermissionOverwrite { Id = Muted, Type = PermissionOverwrite.RoleType, Deny = (ulong)Permissions.Speak },
            new PermissionOverwrite { Id = User, Type = PermissionOverwrite.MemberType, Allow = (ulong)(Permissions.Connect | Permissions.Speak) });
        var allowed = PermissionCalculator.ComputeOverwrites(basePermissions, Guild, withMemberAllow, User, [Muted]);
        Assert.Equal(Permissions.None, PermissionCalculator.MissingVoicePermissions(allowed));
    }

    [Fact]
    public void Role_allow_beats_role_deny_from_another_role()
    {
        var basePermissions = PermissionCalculator.ComputeBase(Guild, Owner, Roles, User, [Dj, Muted]);
        var channel = Channel(
            new PermissionOverwrite { Id = Muted, Type = PermissionOverwrite.RoleType, Deny = (ulong)Permissions.Speak },
            new PermissionOverwrite { Id = Dj, Type = PermissionOverwrite.RoleType, Allow = (ulong)Permissions.Speak });
        var result = PermissionCalculator.ComputeOverwrites(basePermissions, Guild, channel, User, [Dj, Muted]);
        Assert.True(result.HasFlag(Permissions.Speak));
    }

    [Fact]
    public void No_view_channel_means_no_channel_permissions_but_administrators_bypass_overwrites()
    {
        var hidden = Channel(new PermissionOverwrite { Id = Guild, Type = PermissionOverwrite.RoleType, Deny = (ulong)Permissions.ViewChannel });
        var user = PermissionCalculator.ComputeOverwrites(PermissionCalculator.ComputeBase(Guild, Owner, Roles, User, []), Guild, hidden, User, []);
        Assert.Equal(Permissions.None, user);
        var admin = PermissionCalculator.ComputeOverwrites(PermissionCalculator.ComputeBase(Guild, Owner, Roles, User, [Admin]), Guild, hidden, User, [Admin]);
        Assert.Equal(Permissions.All, admin);
    }
}
