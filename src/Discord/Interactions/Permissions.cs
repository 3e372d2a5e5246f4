namespace Chorus.Discord.Interactions;

/// <summary>Discord permission bits this bot reads (the wire format is a decimal string of this bit set).</summary>
[Flags]
#pragma warning disable CA1711 // "Permissions" is Discord's name for this bit set.
public enum Permissions : ulong
#pragma warning restore CA1711
{
    /// <summary>No permission.</summary>
    None = 0,
    /// <summary>CREATE_INSTANT_INVITE.</summary>
    CreateInstantInvite = 1UL << 0,
    /// <summary>KICK_MEMBERS.</summary>
    KickMembers = 1UL << 1,
    /// <summary>BAN_MEMBERS.</summary>
    BanMembers = 1UL << 2,
    /// <summary>ADMINISTRATOR: every permission, overwrites ignored.</summary>
    Administrator = 1UL << 3,
    /// <summary>MANAGE_CHANNELS.</summary>
    ManageChannels = 1UL << 4,
    /// <summary>MANAGE_GUILD.</summary>
    ManageGuild = 1UL << 5,
    /// <summary>VIEW_CHANNEL.</summary>
    ViewChannel = 1UL << 10,
    /// <summary>SEND_MESSAGES.</summary>
    SendMessages = 1UL << 11,
    /// <summary>CONNECT: join a voice channel.</summary>
    Connect = 1UL << 20,
    /// <summary>SPEAK: talk in a voice channel.</summary>
    Speak = 1UL << 21,
    /// <summary>MUTE_MEMBERS.</summary>
    MuteMembers = 1UL << 22,
    /// <summary>DEAFEN_MEMBERS.</summary>
    DeafenMembers = 1UL << 23,
    /// <summary>MOVE_MEMBERS.</summary>
    MoveMembers = 1UL << 24,
    /// <summary>USE_VAD: speak without push-to-talk.</summary>
    UseVoiceActivity = 1UL << 25,
    /// <summary>Every permission bit.</summary>
    All = ulong.MaxValue,
}
