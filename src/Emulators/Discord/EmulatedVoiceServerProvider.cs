using Chorus.Emulators.Voice;

namespace Chorus.Emulators.Discord;

/// <summary>Plugs the voice emulator into the Discord emulator: a bot's op 4 gets credentials the voice server accepts.</summary>
public sealed class EmulatedVoiceServerProvider : IVoiceServerProvider
{
    private readonly EmulatedVoiceServer _server;
    private readonly bool _tls;

    public EmulatedVoiceServerProvider(EmulatedVoiceServer server, bool tls = false)
    {
        _server = server;
        _tls = tls;
    }

    public VoiceServerAssignment Assign(VoiceJoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var credentials = _server.CreateCredentials(request.GuildId, request.UserId, request.ChannelId);
        return new VoiceServerAssignment(_tls ? credentials.TlsEndpoint : credentials.Endpoint, credentials.Token) { SessionId = credentials.SessionId };
    }

    public Task DisconnectAsync(ulong guildId, ulong userId, int closeCode) => _server.CloseClientAsync(guildId, userId, closeCode);
}
