namespace Chorus.Gemini;

public enum GeminiConversationState
{
    Created,
    Connecting,
    Connected,
    /// <summary>No transport: user audio is buffered until one is back.</summary>
    Reconnecting,
    /// <summary>Gave up; see <see cref="GeminiConversation.Failure"/>.</summary>
    Failed,
    Disposed,
}
