namespace Chorus.Gemini;

internal enum GeminiThinkingStyle
{
    /// <summary>The model refuses a thinking config.</summary>
    None,
    /// <summary><c>thinkingConfig.thinkingBudget</c> (2.5 models).</summary>
    Budget,
    /// <summary><c>thinkingConfig.thinkingLevel</c> (3.1, 3.8 extended thinking).</summary>
    Level,
}
