namespace Chorus.Discord.Models;

/// <summary>A channel permission overwrite for a role or a member.</summary>
public sealed record PermissionOverwrite
{
    /// <summary>Overwrite type role (0).</summary>
    public const int RoleType = 0;
    /// <summary>Overwrite type member (1).</summary>
    public const int MemberType = 1;

    /// <summary>The role or user id the overwrite applies to.</summary>
    public required ulong Id { get; init; }

    /// <summary>0 = role, 1 = member.</summary>
    public int Type { get; init; }

    /// <summary>Permission bits granted.</summary>
    public ulong Allow { get; init; }

    /// <summary>Permission bits denied.</summary>
    public ulong Deny { get; init; }
}
