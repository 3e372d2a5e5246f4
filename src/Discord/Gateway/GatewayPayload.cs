using System.Text.Json.Serialization;

namespace Chorus.Discord.Gateway;

/// <summary>An outbound gateway frame; d is always written because heartbeats send d:null.</summary>
internal sealed record GatewayPayload<TData>
{
    public required int Op { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public TData? D { get; init; }
}
