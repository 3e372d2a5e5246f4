using System.Collections;
using System.Globalization;

namespace Chorus.Discord.Gateway;

/// <summary>
/// The log scope of one shard's connection loop: every line it writes (and every handler of its events) carries the
/// shard as a structured value (ShardId, ShardCount) and as "shard i/n" on the console.
/// </summary>
public sealed class ShardLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;

    /// <summary>The scope of shard <paramref name="shardId"/> of <paramref name="shardCount"/>.</summary>
    public ShardLogScope(int shardId, int shardCount)
    {
        ShardId = shardId;
        ShardCount = shardCount;
        _values = [new("ShardId", shardId), new("ShardCount", shardCount)];
    }

    /// <summary>The shard this scope is about.</summary>
    public int ShardId { get; }

    /// <summary>How many shards the bot runs.</summary>
    public int ShardCount { get; }

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"shard {ShardId}/{ShardCount}");
}
