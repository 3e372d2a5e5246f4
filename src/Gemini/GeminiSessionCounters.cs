using Chorus.Diagnostics;
using Chorus.Gemini.Diagnostics;
namespace Chorus.Gemini;

/// <summary>
/// What one transport did: the per-socket view of <see cref="GeminiMetrics"/>, whose exported events (dropped messages)
/// are counted here and on the instrument in one call. Safe to read from any thread.
/// </summary>
internal sealed class GeminiSessionCounters(GeminiMetrics metrics)
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

    internal void Malformed() => metrics.MessagesDropped.Count(ref _malformedMessages, GeminiMetrics.Malformed);

    internal void Unknown() => metrics.MessagesDropped.Count(ref _unknownMessages, GeminiMetrics.Unknown);

    internal void Oversized() => metrics.MessagesDropped.Count(ref _oversizedMessages, GeminiMetrics.Oversized);

    internal void AudioReceived(int bytes) => Interlocked.Add(ref _audioBytesReceived, bytes);

    internal void AudioSent(int bytes) => Interlocked.Add(ref _audioBytesSent, bytes);
}
