namespace Chorus.Discord.Voice;

/// <summary>Lifecycle of a <see cref="VoiceConnection"/>.</summary>
public enum VoiceConnectionState
{
    /// <summary>Opening the first session (identify, IP discovery, select protocol).</summary>
    Connecting,
    /// <summary>Session described (op 4 or op 9): audio flows.</summary>
    Ready,
    /// <summary>The gateway closed; reconnecting with op 7 to keep the session.</summary>
    Resuming,
    /// <summary>The session is gone; identifying afresh.</summary>
    Rejoining,
    /// <summary>Stopped for good; see <see cref="VoiceConnection.Closed"/>.</summary>
    Closed,
}
