namespace Chorus.Discord.Gateway;

/// <summary>What joining a channel yields (op 4 answered by both dispatches). Never cache: a move issues new ones.</summary>
/// <param name="GuildId">The guild.</param>
/// <param name="ChannelId">The voice channel joined.</param>
/// <param name="UserId">The bot's user id.</param>
/// <param name="SessionId">The voice session id from VOICE_STATE_UPDATE.</param>
/// <param name="Token">The voice token from VOICE_SERVER_UPDATE; never logged.</param>
/// <param name="Endpoint">The voice server host:port from VOICE_SERVER_UPDATE.</param>
public sealed record VoiceJoinCredentials(ulong GuildId, ulong ChannelId, ulong UserId, string SessionId, string Token, string Endpoint)
{
    /// <summary>wss://host:port/?v=8 — the port must be kept (stripping it caused 4006 loops elsewhere).</summary>
    public Uri VoiceGatewayUri(int version = 8) => new($"wss://{Endpoint}/?v={version}");

    /// <summary>The subset the voice connection (Chorus.Discord.Voice) identifies with.</summary>
    public Voice.VoiceServerCredentials ToVoiceServerCredentials() => new(Endpoint, GuildId, UserId, SessionId, Token);

    /// <inheritdoc/>
    public override string ToString() =>
        $"VoiceJoinCredentials {{ GuildId = {GuildId}, ChannelId = {ChannelId}, UserId = {UserId}, SessionId = {SessionId}, Endpoint = {Endpoint} }}";
}
