namespace Chorus.Gemini.Events;

/// <summary>
/// Receives what the server sends. Called on the receive loop, one call at a time per session: return quickly.
/// </summary>
public interface IGeminiLiveListener
{
    /// <summary>Model speech, PCM16 little-endian mono at 24 kHz. The span is only valid during the call.</summary>
    void OnAudio(ReadOnlySpan<byte> pcm24k);

    /// <summary>Every other event, in the order the message carried them.</summary>
    void OnEvent(GeminiEvent liveEvent);

    /// <summary>
    /// A server message was read off the socket, before it is parsed and its audio and events handed over, so latency
    /// figures start at the wire rather than after the parse. <paramref name="receivedAt"/> is a
    /// <see cref="TimeProvider.GetTimestamp"/> of the conversation's clock.
    /// </summary>
    void OnMessageReceived(long receivedAt)
    {
    }
}
