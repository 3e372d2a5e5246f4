using System.Text.Json.Serialization;

namespace Chorus.Discord.Voice.Gateway.Json;

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(VoiceGatewayMessage<VoiceIdentifyData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<VoiceResumeData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<HeartbeatData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<SelectProtocolData>))]
[JsonSerializable(typeof(VoiceGatewayMessage<ClientSpeakingData>))]
[JsonSerializable(typeof(VoiceHelloData))]
[JsonSerializable(typeof(ReadyData))]
[JsonSerializable(typeof(SessionDescriptionData))]
[JsonSerializable(typeof(ServerSpeakingData))]
[JsonSerializable(typeof(ClientsConnectData))]
[JsonSerializable(typeof(ClientDisconnectData))]
internal sealed partial class VoiceGatewayJsonContext : JsonSerializerContext;
