using System.Text.Json.Serialization;
using Chorus.Discord.Gateway;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;
using Chorus.Discord.Rest;

namespace Chorus.Discord;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(SnowflakeJsonConverter)])]
[JsonSerializable(typeof(HelloData))]
[JsonSerializable(typeof(ReadyEvent))]
[JsonSerializable(typeof(DiscordGuild))]
[JsonSerializable(typeof(UnavailableGuild))]
[JsonSerializable(typeof(DiscordChannel))]
[JsonSerializable(typeof(DiscordVoiceState))]
[JsonSerializable(typeof(VoiceServerUpdateEvent))]
[JsonSerializable(typeof(Interaction))]
[JsonSerializable(typeof(GuildRoleEvent))]
[JsonSerializable(typeof(GuildRoleDeleteEvent))]
[JsonSerializable(typeof(GatewayPayload<IdentifyData>))]
[JsonSerializable(typeof(GatewayPayload<ResumeData>))]
[JsonSerializable(typeof(GatewayPayload<long?>))]
[JsonSerializable(typeof(GatewayPayload<VoiceStateCommand>))]
[JsonSerializable(typeof(GatewayBotInfo))]
[JsonSerializable(typeof(IReadOnlyList<ApplicationCommand>))]
[JsonSerializable(typeof(List<ApplicationCommand>))]
[JsonSerializable(typeof(InteractionResponse))]
[JsonSerializable(typeof(MessageBody))]
[JsonSerializable(typeof(DiscordMessage))]
[JsonSerializable(typeof(RestErrorBody))]
internal sealed partial class DiscordJsonContext : JsonSerializerContext;
