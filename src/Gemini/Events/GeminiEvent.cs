namespace Chorus.Gemini.Events;

/// <summary>A non-audio event decoded from a server message or raised by the conversation supervisor.</summary>
public abstract record GeminiEvent;
