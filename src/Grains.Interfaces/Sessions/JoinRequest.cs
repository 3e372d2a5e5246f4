namespace Chorus.Grains.Sessions;

/// <param name="ChannelId">The voice channel to join.</param>
/// <param name="GatewayId">The gateway process asking.</param>
/// <param name="RequestedBy">The user who ran /join.</param>
/// <param name="OriginChannelId">
/// The text channel /join was run from: where the session says why it ended, whichever gateway runs it by then.
/// </param>
[GenerateSerializer, Immutable, Alias("chorus.JoinRequest")]
public sealed record JoinRequest(
    [property: Id(0)] ulong ChannelId,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] ulong RequestedBy,
    [property: Id(3)] ulong? OriginChannelId = null);
