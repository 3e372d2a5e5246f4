using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record SelectProtocolData(
    [property: JsonPropertyName("protocol")] string Protocol,
    [property: JsonPropertyName("data")] SelectProtocolAddress Data);

internal sealed record SelectProtocolAddress(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("mode")] string Mode);
