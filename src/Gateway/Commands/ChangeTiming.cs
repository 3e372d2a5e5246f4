using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Commands;

/// <summary>The sentence that tells an admin when a settings change takes effect, so no reply promises more than the bot does.</summary>
public static class ChangeTiming
{
    public const string NoSession = "It applies when I next join a voice channel.";

    public const string Now = "The current conversation uses it now.";

    public const string NextSession = "The current conversation keeps the old value: it applies from my next session (/leave, then /join).";

    /// <summary>Whether the guild has a conversation running or starting that a change could reach.</summary>
    public static bool IsLive(VoiceSessionSnapshot session) => SessionControlRule.LiveChannel(session) is not null;

    /// <summary>For a change the running conversation takes at once (<paramref name="appliesLive"/>) or only a new session does.</summary>
    public static string For(VoiceSessionSnapshot session, bool appliesLive) =>
        !IsLive(session) ? NoSession : appliesLive ? Now : NextSession;
}
