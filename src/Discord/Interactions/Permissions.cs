namespace Chorus.Discord.Interactions;

/// <summary>Discord permission bits this bot reads (the wire format is a decimal string of this bit set).</summary>
[Flags]
#pragma warning disable CA1711 // "Permissions" is Discord's name for this bit set.
public enum Permissions : ulong
#pragma warning restore CA1711
{
    None = 0,
    CreateInstantInvite = 1UL << 0,
    KickMembers = 1UL << 1,
    BanMembers = 1UL << 2,
    Administrator = 1UL << 3,
    ManageChannels = 1UL << 4,
    ManageGuild = 1UL << 5,
    ViewChannel = 1UL << 10,
    SendMessages = 1UL << 11,
    Connect = 1UL << 20,
    Speak = 1UL << 21,
    MuteMembers = 1UL << 22,
    DeafenMembers = 1UL << 23,
    MoveMembers = 1UL << 24,
    UseVoiceActivity = 1UL << 25,
    All = ulong.MaxValue,
}
