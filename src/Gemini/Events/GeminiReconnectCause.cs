namespace Chorus.Gemini.Events;

/// <summary>Why the conversation moved to a new Live session.</summary>
public enum GeminiReconnectCause
{
    /// <summary>The WebSocket closed or failed unexpectedly.</summary>
    ConnectionLost,
    /// <summary>The server sent <c>goAway</c>: the session was about to end, so a new one was opened ahead of it.</summary>
    GoAway,
    /// <summary>The system instruction changed on a model without <c>contextUpdate</c>, which needs a new session.</summary>
    PersonaChange,
}
