namespace Chorus.Discord.Models;

public sealed record GatewayBotInfo
{
    public required string Url { get; init; }

    public int Shards { get; init; } = 1;

    public SessionStartLimit? SessionStartLimit { get; init; }
}
