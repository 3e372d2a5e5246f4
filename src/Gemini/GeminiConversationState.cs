namespace Chorus.Gemini;

/// <summary>Lifecycle of a <see cref="GeminiConversation"/>.</summary>
public enum GeminiConversationState
{
    /// <summary>Constructed; not started yet.</summary>
    Created,
    /// <summary>Opening the first Live session.</summary>
    Connecting,
    /// <summary>A Live session is open and set up; audio flows.</summary>
    Connected,
    /// <summary>No transport: user audio is buffered until one is back.</summary>
    Reconnecting,
    /// <summary>Gave up; see <see cref="GeminiConversation.Failure"/>.</summary>
    Failed,
    /// <summary>Disposed; every call fails.</summary>
    Disposed,
}
