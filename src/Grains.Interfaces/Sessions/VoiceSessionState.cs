namespace Chorus.Grains.Sessions;

[GenerateSerializer, Alias("chorus.VoiceSessionState")]
public enum VoiceSessionState
{
    Idle = 0,
    Joining = 1,
    Active = 2,
    Reconnecting = 3,
    Leaving = 4,
}
