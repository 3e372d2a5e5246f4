using System.Collections.Frozen;
using System.Text.Json;

namespace Chorus.Emulators.Gemini;

/// <summary>
/// What each served model refuses in its setup. Kept apart from the client's own model catalog on purpose: if both
/// read one table, a wrong fact would pass every test.
/// </summary>
internal sealed record EmulatedModelRules(string ModelId, EmulatedThinking Thinking, bool Proactivity, bool AffectiveDialog, bool ContextUpdate)
{
    private static readonly FrozenDictionary<string, EmulatedModelRules> Known = new EmulatedModelRules[]
    {
        // The 3.8 family always listens proactively and has no setup switch for it.
        new("gemini-3.8-live", EmulatedThinking.None, Proactivity: false, AffectiveDialog: false, ContextUpdate: true),
        new("gemini-3.8-live-extended-thinking", EmulatedThinking.Level, Proactivity: false, AffectiveDialog: false, ContextUpdate: true),
        new("gemini-3.1-flash-live-preview", EmulatedThinking.Level, Proactivity: false, AffectiveDialog: false, ContextUpdate: false),
        new("gemini-2.5-flash-native-audio-preview-12-2025", EmulatedThinking.Budget, Proactivity: true, AffectiveDialog: true, ContextUpdate: false),
        new("gemini-2.5-flash-native-audio-preview-09-2025", EmulatedThinking.Budget, Proactivity: true, AffectiveDialog: true, ContextUpdate: false),
        new("gemini-2.5-flash-native-audio-latest", EmulatedThinking.Budget, Proactivity: true, AffectiveDialog: true, ContextUpdate: false),
    }.ToFrozenDictionary(r => r.ModelId, StringComparer.Ordinal);

    /// <summary>A served model the table does not know gets the strictest rules.</summary>
    public static EmulatedModelRules For(string modelId) =>
        Known.TryGetValue(modelId, out var rules) ? rules : new EmulatedModelRules(modelId, EmulatedThinking.None, false, false, false);

    /// <summary>Null when the model accepts <paramref name="setup"/>, else the refusal naming the field.</summary>
    public string? Check(JsonElement setup)
    {
        if (setup.TryGetProperty("proactivity", out var proactivity) && proactivity.ValueKind != JsonValueKind.Null && !Proactivity)
        {
            return Refuse("setup.proactivity");
        }

        if (!setup.TryGetProperty("generationConfig", out var generation) || generation.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (generation.TryGetProperty("enableAffectiveDialog", out var affective) && affective.ValueKind != JsonValueKind.Null && !AffectiveDialog)
        {
            return Refuse("setup.generationConfig.enableAffectiveDialog");
        }

        if (!generation.TryGetProperty("thinkingConfig", out var thinking) || thinking.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (Thinking == EmulatedThinking.None)
        {
            return Refuse("setup.generationConfig.thinkingConfig");
        }

        if (Thinking == EmulatedThinking.Level && thinking.TryGetProperty("thinkingBudget", out _))
        {
            return Refuse("setup.generationConfig.thinkingConfig.thinkingBudget");
        }

        if (Thinking == EmulatedThinking.Budget && thinking.TryGetProperty("thinkingLevel", out _))
        {
            return Refuse("setup.generationConfig.thinkingConfig.thinkingLevel");
        }

        return null;
    }

    private string Refuse(string path) =>
        $"Invalid argument at '{GeminiSetupSchema.ProtoPath(path)}': not supported by models/{ModelId}.";
}

internal enum EmulatedThinking
{
    None,
    Level,
    Budget,
}
