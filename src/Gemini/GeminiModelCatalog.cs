using System.Collections.Frozen;

namespace Chorus.Gemini;

/// <summary>Per-model capability data from the protocol brief (sections 4.2 and 13).</summary>
internal static class GeminiModelCatalog
{
    private static readonly FrozenDictionary<string, GeminiModelCapabilities> Known = new GeminiModelCapabilities[]
    {
        new() { ModelId = "gemini-3.8-live", ContextUpdate = true },
        new() { ModelId = "gemini-3.8-live-extended-thinking", Thinking = GeminiThinkingStyle.Level, ContextUpdate = true },
        new() { ModelId = "gemini-3.1-flash-live-preview", Thinking = GeminiThinkingStyle.Level },
        new() { ModelId = "gemini-2.5-flash-native-audio-preview-12-2025", Thinking = GeminiThinkingStyle.Budget, ConfigurableProactivity = true, AffectiveDialog = true },
        new() { ModelId = "gemini-2.5-flash-native-audio-preview-09-2025", Thinking = GeminiThinkingStyle.Budget, ConfigurableProactivity = true, AffectiveDialog = true },
        new() { ModelId = "gemini-2.5-flash-native-audio-latest", Thinking = GeminiThinkingStyle.Budget, ConfigurableProactivity = true, AffectiveDialog = true },
    }.ToFrozenDictionary(c => c.ModelId, StringComparer.Ordinal);

    /// <summary>Unknown models get the most conservative set: no optional fields, no <c>contextUpdate</c>.</summary>
    public static GeminiModelCapabilities For(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var id = modelId.StartsWith("models/", StringComparison.Ordinal) ? modelId["models/".Length..] : modelId;
        return Known.TryGetValue(id, out var known) ? known : new GeminiModelCapabilities { ModelId = id };
    }

    public static IEnumerable<GeminiModelCapabilities> All => Known.Values;
}
