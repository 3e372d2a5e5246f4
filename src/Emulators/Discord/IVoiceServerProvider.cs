namespace Chorus.Emulators.Discord;

/// <summary>Plug point for the voice emulator: decides the endpoint and token handed to a bot that joins voice.</summary>
public interface IVoiceServerProvider
{
    VoiceServerAssignment Assign(VoiceJoinRequest request);

    /// <summary>
    /// Ends a user's voice connection with a voice close code (the bot's, when the gateway session it joined from was
    /// replaced: 4014); providers without a voice server have nothing to close.
    /// </summary>
    Task DisconnectAsync(ulong guildId, ulong userId, int closeCode) => Task.CompletedTask;
}
