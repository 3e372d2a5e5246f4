namespace Chorus.Gemini;

/// <summary>Per-transport counters, safe to read from any thread.</summary>
internal sealed class GeminiSessionCounters
{
    private long _messagesReceived;
    private long _malformedMessages;
    private long _unknownMessages;
    private long _oversizedMessages;
    private long _audioBytesReceived;
    private long _audioBytesSent;

    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);

    /// <summary>Messages that were not valid JSON or not the documented shape; dropped.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformedMessages);

    /// <summary>Well-formed messages with nothing this client understands (new message kinds); ignored.</summary>
    public long UnknownMessages => Interlocked.Read(ref _unknownMessages);

    public long OversizedMessages => Interlocked.Read(ref _oversizedMessages);

    public long AudioBytesReceived => Interlocked.Read(ref _audioBytesReceived);

    public long AudioBytesSent => Interlocked.Read(ref _audioBytesSent);

    internal void MessageReceived() => Interlocked.Increment(ref _messagesReceived);

    internal void Malformed() => Interlocked.Increment(ref _malformedMessages);

    internal void Unknown() => Interlocked.Increment(ref _unknownMessages);

    internal void Oversized() => Interlocked.Increment(ref _oversizedMessages);

    internal void AudioReceived(int bytes) => Interlocked.Add(ref _audioBytesReceived, bytes);

    internal void AudioSent(int bytes) => Interlocked.Add(ref _audioBytesSent, bytes);
}
