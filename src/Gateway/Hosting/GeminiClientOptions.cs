namespace Chorus.Gateway.Hosting;

/// <summary>How the gateway process reaches Gemini Live (configuration section "Gemini"; the key from GEMINI_API_KEY).</summary>
public sealed class GeminiClientOptions
{
    public const string SectionName = "Gemini";

    /// <summary>Secret: only ever sent in the x-goog-api-key header.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Scheme and host of the Live endpoint: the real service, a proxy, or the loopback emulator.</summary>
    public Uri BaseUrl { get; set; } = new("wss://generativelanguage.googleapis.com");

    public string ApiVersion { get; set; } = "v1beta";

    /// <summary>Tried in order when a guild's model is refused.</summary>
    public string[] FallbackModels { get; set; } = [];

    public override string ToString() => $"GeminiClientOptions {{ BaseUrl = {BaseUrl}, ApiVersion = {ApiVersion} }}";
}
