using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

public sealed record HeartbeatData(
    [property: JsonPropertyName("t")] long Nonce,
    [property: JsonPropertyName("seq_ack")] int SeqAck);
