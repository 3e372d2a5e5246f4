using System.Globalization;
using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Gateway;

/// <summary>Settings of a set of gateway shards. The token is never part of <see cref="ToString"/>.</summary>
public sealed record ShardSetOptions
{
    /// <summary>The bot token; never logged.</summary>
    public required string Token { get; init; }

    /// <summary>Shards this process runs; null = all of <see cref="ShardCount"/>.</summary>
    public IReadOnlyList<int>? ShardIds { get; init; }

    /// <summary>Total shards of the bot; null = "auto" (the count GET /gateway/bot recommends).</summary>
    public int? ShardCount { get; init; }

    /// <summary>Gateway URL override; null = the URL from GET /gateway/bot.</summary>
    public string? GatewayUrl { get; init; }

    /// <summary>The gateway intents every shard identifies with.</summary>
    public GatewayIntents Intents { get; init; } = GatewayIntents.VoiceBot;

    /// <summary>Applied to each shard's options (timeouts, jitter, time provider).</summary>
    internal Func<GatewayClientOptions, GatewayClientOptions>? ConfigureShard { get; init; }

    /// <summary>Interval of the identify concurrency gate (Discord: 5 s).</summary>
    public TimeSpan IdentifyInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where every shard's exported events are counted; <see cref="DiscordMetrics.Default"/> when null.</summary>
    public DiscordMetrics? Metrics { get; init; }
    /// <summary>
    /// Makes the identify gate of the set from the limits GET /gateway/bot reported (a gate the whole cluster shares);
    /// null: a gate of this process alone.
    /// </summary>
    public Func<IdentifyLimits, IIdentifyGate>? IdentifyGateFactory { get; init; }

    /// <summary>The clock for every shard.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Parses the SHARD_IDS / SHARD_COUNT settings: ids as "0,1,4" or ranges "0-3" (empty = all), count as a number or
    /// "auto" (empty = auto).
    /// </summary>
    public static (IReadOnlyList<int>? ShardIds, int? ShardCount) Parse(string? shardIds, string? shardCount)
    {
        int? count = string.IsNullOrWhiteSpace(shardCount) || shardCount.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? null
            : int.Parse(shardCount, NumberStyles.None, CultureInfo.InvariantCulture);
        if (count < 1)
        {
            throw new FormatException("SHARD_COUNT must be a positive number or 'auto'.");
        }

        if (string.IsNullOrWhiteSpace(shardIds))
        {
            return (null, count);
        }

        var ids = new SortedSet<int>();
        foreach (var part in shardIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                var from = int.Parse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture);
                var to = int.Parse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
                if (to < from || to - from > 10_000)
                {
                    throw new FormatException($"Bad shard range '{part}'.");
                }

                for (var id = from; id <= to; id++)
                {
                    ids.Add(id);
                }
            }
            else
            {
                ids.Add(int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        if (count is int known && ids.Max >= known)
        {
            throw new FormatException($"SHARD_IDS contains {ids.Max}, which is not below SHARD_COUNT {known}.");
        }

        return ([.. ids], count);
    }

    /// <inheritdoc/>
    public override string ToString() => $"ShardSetOptions {{ ShardIds = [{string.Join(',', ShardIds ?? [])}], ShardCount = {ShardCount?.ToString(CultureInfo.InvariantCulture) ?? "auto"} }}";
}
