namespace Chorus.Emulators.Discord;

/// <summary>Plug point for the voice emulator: decides the endpoint and token handed to a bot that joins voice.</summary>
public interface IVoiceServerProvider
{
    VoiceServerAssignment Assign(VoiceJoinRequest request);
}
