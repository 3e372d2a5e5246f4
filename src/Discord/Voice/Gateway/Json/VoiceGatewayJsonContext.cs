using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(VoiceGatewayMessage<IdentifyData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<ResumeData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<HeartbeatData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<SelectProtocolData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<ClientSpeakingData>))]
[JsonSerializable(typeof(HelloData))]
[JsonSerializable(typeof(ReadyData))]
[JsonSerializable(typeof(SessionDescriptionData))]
[JsonSerializable(typeof(ServerSpeakingData))]
[JsonSerializable(typeof(ClientsConnectData))]
[JsonSerializable(typeof(ClientDisconnectData))]
public sealed partial class VoiceGatewayJsonContext : JsonSerializerContext;
