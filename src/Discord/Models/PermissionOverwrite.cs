namespace Chorus.Discord.Models;

public sealed record PermissionOverwrite
{
    public const int RoleType = 0;
    public const int MemberType = 1;

    public required ulong Id { get; init; }

    /// <summary>0 = role, 1 = member.</summary>
    public int Type { get; init; }

    public ulong Allow { get; init; }

    public ulong Deny { get; init; }
}
