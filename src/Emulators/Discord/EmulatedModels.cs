namespace Chorus.Emulators.Discord;

public sealed record EmulatedRole(ulong Id, string Name, ulong Permissions, int Position = 0);

public sealed record EmulatedOverwrite(ulong Id, int Type, ulong Allow, ulong Deny);

public sealed record EmulatedChannel(ulong Id, string Name, int Type, IReadOnlyList<EmulatedOverwrite>? Overwrites = null, ulong? ParentId = null)
{
    public const int Text = 0;
    public const int Voice = 2;
}

public sealed record EmulatedMember(ulong UserId, string Username, IReadOnlyList<ulong> Roles, bool Bot = false);
