namespace Chorus.Emulators.Voice;

/// <summary>What a VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE pair would give a client of the emulator.</summary>
public sealed record EmulatedVoiceCredentials(ulong GuildId, ulong ChannelId, ulong UserId, string SessionId, string Token, string Endpoint, string TlsEndpoint)
{
    public override string ToString() => $"EmulatedVoiceCredentials {{ GuildId = {GuildId}, UserId = {UserId}, Endpoint = {Endpoint} }}";
}
