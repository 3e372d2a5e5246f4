using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record HeartbeatData(
    [property: JsonPropertyName("t")] long Nonce,
    [property: JsonPropertyName("seq_ack")] int SeqAck);
