namespace Chorus.Grains.Settings;

/// <summary>
/// Who may stop the bot (/leave) or move it to another voice channel (/join elsewhere) while it is in a voice channel.
/// Whatever the policy, members with Manage Server (or Administrator) may, and so may a member whom nobody else is
/// listening with (alone with the bot, or the bot's channel is empty).
/// </summary>
[GenerateSerializer, Alias("chorus.SessionControlPolicy")]
public enum SessionControlPolicy
{
    /// <summary>Anyone in the bot's voice channel (the default: the people in the conversation decide).</summary>
    AnyoneInChannel = 0,

    /// <summary>Members with the guild's chosen role (<see cref="GuildOptions.ControlRoleId"/>), wherever they are.</summary>
    Role = 1,

    /// <summary>Only members with Manage Server.</summary>
    ManagersOnly = 2,
}
