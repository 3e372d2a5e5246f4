using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record ClientSpeakingData(
    [property: JsonPropertyName("speaking")] int Speaking,
    [property: JsonPropertyName("delay")] int Delay,
    [property: JsonPropertyName("ssrc")] uint Ssrc);
