namespace Chorus.Emulators.Discord;

/// <summary>A gateway session: survives dropped sockets until resumed, invalidated or closed with 1000/1001.</summary>
internal sealed class EmulatedSession
{
    private const int MaxLoggedEvents = 2048;

    public EmulatedSession(string id, int shardId, int shardCount, int intents)
    {
        Id = id;
        ShardId = shardId;
        ShardCount = shardCount;
        Intents = intents;
    }

    public string Id { get; }

    public int ShardId { get; }

    public int ShardCount { get; }

    public int Intents { get; }

    /// <summary>Serializes sequence numbering with sending so the log order is the wire order.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public long Sequence { get; set; }

    public List<(long Seq, string Json)> Log { get; } = [];

    public EmulatedGatewayConnection? Connection { get; set; }

    public bool Owns(ulong guildId) => (int)((guildId >> 22) % (ulong)ShardCount) == ShardId;

    public void Append(long seq, string json)
    {
        Log.Add((seq, json));
        if (Log.Count > MaxLoggedEvents)
        {
            Log.RemoveRange(0, Log.Count - MaxLoggedEvents);
        }
    }
}
