namespace Chorus.Discord.Gateway;

public sealed record HelloData
{
    public required double HeartbeatInterval { get; init; }
}
