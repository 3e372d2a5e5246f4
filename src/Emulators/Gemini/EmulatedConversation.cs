namespace Chorus.Emulators.Gemini;

/// <summary>Server-side state that a resumption handle restores.</summary>
internal sealed class EmulatedConversation
{
    private readonly Lock _lock = new();
    private int _turns;
    private int _handles;
    private object? _holder;
    private DateTimeOffset? _endedAt;

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    public string? SystemInstruction
    {
        get;
        set
        {
            field = value;
            Context.SetSystemInstruction(value);
        }
    }

    /// <summary>What the session's context holds, for the tokens each turn bills; a resumed session keeps it.</summary>
    public EmulatedContextWindow Context { get; } = new();

    public int NextTurn() => Interlocked.Increment(ref _turns);

    /// <summary>A fresh session seeded with an earlier conversation's turns goes on counting from them.</summary>
    public void ContinueAfter(int turns) => Volatile.Write(ref _turns, turns);

    public int Turns => Volatile.Read(ref _turns);

    public string NextHandle() => $"emu-{Id}-{Interlocked.Increment(ref _handles)}";

    /// <summary>One socket at a time serves a session; a resume while another holds it is refused.</summary>
    public bool TryHold(object connection)
    {
        lock (_lock)
        {
            if (_holder is not null && !ReferenceEquals(_holder, connection))
            {
                return false;
            }

            _holder = connection;
            _endedAt = null;
            return true;
        }
    }

    public void Release(object connection, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_holder, connection))
            {
                _holder = null;
                _endedAt = at;
            }
        }
    }

    /// <summary>Handles stay valid for <paramref name="lifetime"/> after the last socket of the session closed.</summary>
    public bool Expired(DateTimeOffset now, TimeSpan lifetime)
    {
        lock (_lock)
        {
            return _holder is null && _endedAt is { } ended && now - ended >= lifetime;
        }
    }
}
