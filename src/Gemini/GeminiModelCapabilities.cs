namespace Chorus.Gemini;

/// <summary>What one model accepts in its setup and session, so code asks data instead of branching on ids.</summary>
internal sealed record GeminiModelCapabilities
{
    public required string ModelId { get; init; }

    public GeminiThinkingStyle Thinking { get; init; } = GeminiThinkingStyle.None;

    /// <summary>Proactive audio can be switched in setup (on 3.8 it is always on and sending it is an error).</summary>
    public bool ConfigurableProactivity { get; init; }

    public bool AffectiveDialog { get; init; }

    /// <summary>Persona and tools can be replaced mid-session with <c>contextUpdate</c>.</summary>
    public bool ContextUpdate { get; init; }
}
