namespace Chorus.Emulators.Gemini;

/// <summary>Server-side state that a resumption handle restores.</summary>
internal sealed class EmulatedConversation
{
    private int _turns;
    private int _handles;

    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    public string? SystemInstruction { get; set; }

    public int NextTurn() => Interlocked.Increment(ref _turns);

    public int Turns => Volatile.Read(ref _turns);

    public string NextHandle() => $"emu-{Id}-{Interlocked.Increment(ref _handles)}";
}
