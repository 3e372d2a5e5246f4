namespace Chorus.Gemini;

/// <summary>What callers outside this library may ask of the model catalogue, so they can tell users what a change does.</summary>
public static class GeminiModelSupport
{
    /// <summary>True when the model takes a new persona on the open session (<c>contextUpdate</c>); unknown models do not.</summary>
    public static bool SupportsContextUpdate(string modelId) => GeminiModelCatalog.For(modelId).ContextUpdate;
}
