using Chorus.Discord.Voice;
using Chorus.Gemini;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Sessions;

/// <summary>Something that happened to a running session; <see cref="RunningSession"/> acts on them one at a time.</summary>
internal abstract record SessionEvent
{
    public sealed record VoiceStateChanged(VoiceConnectionState State) : SessionEvent;

    public sealed record VoiceClosed(VoiceConnectionClosed Closed) : SessionEvent;

    /// <summary>The Gemini connection dropped (it heals by itself, or fails for good with <see cref="GeminiFailed"/>) or is back.</summary>
    public sealed record GeminiConnectionChanged(bool Connected) : SessionEvent;

    public sealed record GeminiFailed(GeminiFailureKind Kind) : SessionEvent;

    public sealed record SettingsChanged(GuildOptions Options) : SessionEvent;

    /// <summary>A limit timer fired; <paramref name="Generation"/> tells a stale timer (the limit changed since) from the current one.</summary>
    public sealed record LimitWarningDue(int Generation) : SessionEvent;

    public sealed record LimitReached(int Generation) : SessionEvent;

    public sealed record End(SessionEnding Ending) : SessionEvent;
}
