namespace Chorus.Gateway.Hosting;

/// <summary>How the gateway process reaches Gemini Live (configuration section "Gemini"; the key from GEMINI_API_KEY).</summary>
public sealed partial class GeminiClientOptions
{
    public const string SectionName = "Gemini";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway)
    {
        nameof(ApiKey),
        { nameof(BaseUrl), "an absolute ws(s) or http(s) URL", v => SettingRules.IsUrl(v, "ws", "wss", "http", "https") },
        { nameof(ApiVersion), "an API version such as v1beta", v => ApiVersionPattern().IsMatch(v) },
        nameof(FallbackModels),
    };

    /// <summary>Secret: only ever sent in the x-goog-api-key header.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Scheme and host of the Live endpoint: the real service, a proxy, or the loopback emulator.</summary>
    public Uri BaseUrl { get; set; } = new("wss://generativelanguage.googleapis.com");

    public string ApiVersion { get; set; } = "v1beta";

    /// <summary>Tried in order when a guild's model is refused.</summary>
    public string[] FallbackModels { get; set; } = [];

    [System.Text.RegularExpressions.GeneratedRegex("^v[0-9][a-z0-9]*$")]
    private static partial System.Text.RegularExpressions.Regex ApiVersionPattern();

    public override string ToString() => $"GeminiClientOptions {{ BaseUrl = {BaseUrl}, ApiVersion = {ApiVersion} }}";
}
