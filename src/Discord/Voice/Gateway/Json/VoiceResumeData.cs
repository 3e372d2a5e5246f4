using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record VoiceResumeData(
    [property: JsonPropertyName("server_id")] string ServerId,
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("seq_ack")] int SeqAck)
{
    // The voice token must never reach a log line through a record's generated ToString.
    public override string ToString() => $"VoiceResumeData {{ ServerId = {ServerId}, SessionId = {SessionId}, SeqAck = {SeqAck} }}";
}
