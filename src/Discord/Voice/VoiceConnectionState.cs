namespace Chorus.Discord.Voice;

public enum VoiceConnectionState
{
    Connecting,
    Ready,
    Resuming,
    Rejoining,
    Closed,
}
