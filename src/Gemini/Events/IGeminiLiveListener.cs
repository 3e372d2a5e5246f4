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
}
