namespace Chorus.Discord.Gateway;

internal sealed record IdentifyData
{
    public required string Token { get; init; }

    public required IdentifyProperties Properties { get; init; }

    public required int Intents { get; init; }

    public IReadOnlyList<int>? Shard { get; init; }

    public int? LargeThreshold { get; init; }

    // The token must never reach a log line through a record's generated ToString.
    public override string ToString() => $"IdentifyData {{ Intents = {Intents}, Shard = [{string.Join(',', Shard ?? [])}] }}";
}
