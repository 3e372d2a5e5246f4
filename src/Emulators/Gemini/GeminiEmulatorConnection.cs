namespace Chorus.Emulators.Gemini;

/// <summary>What one WebSocket connection carried.</summary>
public sealed class GeminiEmulatorConnection
{
    private readonly Lock _lock = new();
    private readonly MemoryStream _audio = new();
    private readonly List<string> _messageKinds = [];
    private readonly List<GeminiEmulatorAudioArrival> _arrivals = [];
    private readonly List<string> _contextUpdates = [];
    private readonly List<DateTimeOffset> _audioStreamEndTimes = [];
    private readonly List<string> _textTurns = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly GeminiEmulatorRecording _recording;
    private int _audioStreamEnds;

    internal GeminiEmulatorConnection(GeminiEmulatorRecording recording, int index, string path, bool keyInHeader, bool keyInQuery, DateTimeOffset openedAt)
    {
        _recording = recording;
        Index = index;
        Path = path;
        KeyInHeader = keyInHeader;
        KeyInQuery = keyInQuery;
        OpenedAt = openedAt;
    }

    public int Index { get; }

    /// <summary>The request path as sent (before <c>//ws/</c> was normalised).</summary>
    public string Path { get; }

    public bool KeyInHeader { get; }

    public bool KeyInQuery { get; }

    public DateTimeOffset OpenedAt { get; }

    public string? SetupJson { get; internal set; }

    public string? Model { get; internal set; }

    public string? ResumeHandle { get; internal set; }

    /// <summary>True when a handle was accepted and the conversation restored.</summary>
    public bool Resumed { get; internal set; }

    public string? ConversationId { get; internal set; }

    public string? SystemInstruction { get; internal set; }

    /// <summary>
    /// On a fresh session whose system instruction quoted earlier answers of this emulator: the last answered turn
    /// it quoted. The session's turns go on from it (a seeded session follows the conversation).
    /// </summary>
    public int? SeededAfterTurn { get; internal set; }

    public bool SetupCompleted { get; internal set; }

    public int AudioStreamEnds => Volatile.Read(ref _audioStreamEnds);

    /// <summary>Close code the emulator sent, or the client's when it closed first.</summary>
    public int? CloseCode { get; internal set; }

    public string? CloseReason { get; internal set; }

    /// <summary>The full text of a 1007 refusal of the setup or of input (the close frame carries at most 123 bytes).</summary>
    public string? Refusal { get; internal set; }

    /// <summary>True when a resume was closed with 1011 because another socket still held the session.</summary>
    public bool RefusedWhileHeld { get; internal set; }

    public bool ClosedByClient { get; internal set; }

    /// <summary>When the first close frame (either side's) was seen; the session is free for a resume from then.</summary>
    public DateTimeOffset? ClosedAt { get; internal set; }

    public Task Closed => _closed.Task;

    public IReadOnlyList<string> MessageKinds
    {
        get
        {
            lock (_lock)
            {
                return [.. _messageKinds];
            }
        }
    }

    public IReadOnlyList<string> ContextUpdates
    {
        get
        {
            lock (_lock)
            {
                return [.. _contextUpdates];
            }
        }
    }

    public IReadOnlyList<string> TextTurns
    {
        get
        {
            lock (_lock)
            {
                return [.. _textTurns];
            }
        }
    }

    public long AudioBytes
    {
        get
        {
            lock (_lock)
            {
                return _audio.Length;
            }
        }
    }

    /// <summary>When each audio message arrived and how many PCM bytes it carried.</summary>
    public IReadOnlyList<GeminiEmulatorAudioArrival> AudioArrivals
    {
        get
        {
            lock (_lock)
            {
                return [.. _arrivals];
            }
        }
    }

    /// <summary>When each <c>audioStreamEnd</c> arrived: one inside a run of audio cut the user's words into two turns.</summary>
    public IReadOnlyList<DateTimeOffset> AudioStreamEndTimes
    {
        get
        {
            lock (_lock)
            {
                return [.. _audioStreamEndTimes];
            }
        }
    }

    public byte[] AudioReceived()
    {
        lock (_lock)
        {
            return _audio.ToArray();
        }
    }

    /// <summary>Sends a raw server frame, for tests of the client's parser (malformed input, text frames...).</summary>
    public Func<string, bool, Task> SendRawAsync { get; internal set; } = (_, _) => Task.CompletedTask;

    internal void Message(string kind)
    {
        lock (_lock)
        {
            _messageKinds.Add(kind);
        }

        _recording.Changed();
    }

    internal void Audio(ReadOnlySpan<byte> pcm, DateTimeOffset at)
    {
        lock (_lock)
        {
            _audio.Write(pcm);
            _arrivals.Add(new GeminiEmulatorAudioArrival(at, pcm.Length));
        }

        _recording.Changed();
    }

    internal void ContextUpdate(string text)
    {
        lock (_lock)
        {
            _contextUpdates.Add(text);
        }
        _recording.Changed();
    }

    internal void TextTurn(string text)
    {
        lock (_lock)
        {
            _textTurns.Add(text);
        }
        _recording.Changed();
    }

    internal void AudioStreamEnded(DateTimeOffset at)
    {
        lock (_lock)
        {
            _audioStreamEndTimes.Add(at);
        }

        Interlocked.Increment(ref _audioStreamEnds);
        _recording.Changed();
    }

    internal void MarkClosed()
    {
        _closed.TrySetResult();
        _recording.Changed();
    }
}
