using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

internal sealed record VoiceHelloData([property: JsonPropertyName("heartbeat_interval")] double HeartbeatInterval);
