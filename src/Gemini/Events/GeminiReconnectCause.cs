namespace Chorus.Gemini.Events;

public enum GeminiReconnectCause
{
    ConnectionLost,
    GoAway,
    PersonaChange,
}
