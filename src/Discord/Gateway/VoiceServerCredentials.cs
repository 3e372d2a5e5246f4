namespace Chorus.Discord.Gateway;

/// <summary>Everything a voice connection needs to identify on the voice gateway. Never cache: a move issues new ones.</summary>
public sealed record VoiceServerCredentials(ulong GuildId, ulong ChannelId, ulong UserId, string SessionId, string Token, string Endpoint)
{
    /// <summary>wss://host:port/?v=8 — the port must be kept (stripping it caused 4006 loops elsewhere).</summary>
    public Uri VoiceGatewayUri(int version = 8) => new($"wss://{Endpoint}/?v={version}");

    public override string ToString() =>
        $"VoiceServerCredentials {{ GuildId = {GuildId}, ChannelId = {ChannelId}, UserId = {UserId}, SessionId = {SessionId}, Endpoint = {Endpoint} }}";
}
