namespace Chorus.Gemini;

/// <summary>How a persona change reaches the model.</summary>
public enum GeminiPersonaChange
{
    /// <summary>Sent as <c>contextUpdate</c> on the open session: the conversation goes on unchanged.</summary>
    InPlace,
    /// <summary>
    /// The model has no <c>contextUpdate</c>: a new session starts with the new persona at the next turn boundary,
    /// seeded with the recent conversation (a short pause; the server's own context is replaced by the seed).
    /// </summary>
    NewSession,
}
