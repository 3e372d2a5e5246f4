namespace Chorus.Discord.Gateway;

internal sealed record HelloData
{
    public required double HeartbeatInterval { get; init; }
}
