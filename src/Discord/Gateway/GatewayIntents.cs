namespace Chorus.Discord.Gateway;

/// <summary>Gateway intents (identify's <c>intents</c> bit set): which dispatch groups Discord sends.</summary>
[Flags]
public enum GatewayIntents
{
    /// <summary>No intents.</summary>
    None = 0,
    /// <summary>GUILDS: guild, channel and role create/update/delete.</summary>
    Guilds = 1 << 0,
    /// <summary>GUILD_VOICE_STATES: VOICE_STATE_UPDATE.</summary>
    GuildVoiceStates = 1 << 7,

    /// <summary>What a slash-command voice bot needs; neither intent is privileged.</summary>
    VoiceBot = Guilds | GuildVoiceStates,
}
