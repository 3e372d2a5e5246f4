using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

public sealed record HelloData([property: JsonPropertyName("heartbeat_interval")] double HeartbeatInterval);
