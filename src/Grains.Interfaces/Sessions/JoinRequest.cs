namespace Chorus.Grains.Sessions;

[GenerateSerializer, Immutable, Alias("chorus.JoinRequest")]
public sealed record JoinRequest(
    [property: Id(0)] ulong ChannelId,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] ulong RequestedBy);
