namespace Chorus.Discord.Gateway;

[Flags]
public enum GatewayIntents
{
    None = 0,
    Guilds = 1 << 0,
    GuildVoiceStates = 1 << 7,

    /// <summary>What a slash-command voice bot needs; neither intent is privileged.</summary>
    VoiceBot = Guilds | GuildVoiceStates,
}
