using Chorus.Gemini;

namespace Chorus.Gateway.Hosting;

/// <summary>How the gateway process reaches Gemini Live (configuration section "Gemini"; the key from GEMINI_API_KEY).</summary>
public sealed partial class GeminiClientOptions
{
    public const string SectionName = "Gemini";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway, TargetBelowTrigger)
    {
        nameof(ApiKey),
        { nameof(BaseUrl), "an absolute ws(s) or http(s) URL", v => SettingRules.IsUrl(v, "ws", "wss", "http", "https") },
        { nameof(ApiVersion), "an API version such as v1beta", v => ApiVersionPattern().IsMatch(v) },
        nameof(FallbackModels),
        { "ContextCompression:Enabled", SettingRules.TrueOrFalse, SettingRules.IsBool },
        { "ContextCompression:TriggerTokens", CompressionTokens, IsCompressionTokens },
        { "ContextCompression:TargetTokens", CompressionTokens, IsCompressionTokens },
    };

    private const string CompressionTokens = "a whole number of tokens from 1000 to 1048576";

    /// <summary>Secret: only ever sent in the x-goog-api-key header.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Scheme and host of the Live endpoint: the real service, a proxy, or the loopback emulator.</summary>
    public Uri BaseUrl { get; set; } = new("wss://generativelanguage.googleapis.com");

    public string ApiVersion { get; set; } = "v1beta";

    /// <summary>Tried in order when a guild's model is refused.</summary>
    public string[] FallbackModels { get; set; } = [];

    /// <summary>Context-window compression: the cost lever of long conversations (see the README's "Usage and cost").</summary>
    public ContextCompressionOptions ContextCompression { get; set; } = new();

    /// <summary>
    /// Sliding-window compression as sent at setup. Every Live turn bills the whole context as input, so a lower
    /// <see cref="TriggerTokens"/> makes long conversations cheaper, at the price of the model forgetting the oldest turns.
    /// </summary>
    public sealed class ContextCompressionOptions
    {
        /// <summary>Off: the context grows until the model's limit (and the server ends audio sessions sooner).</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>Null: the server's default (80% of the model's context window).</summary>
        public long? TriggerTokens { get; set; }

        /// <summary>Null: the server's default (half of the trigger).</summary>
        public long? TargetTokens { get; set; }

        public GeminiContextCompression? ToCompression() =>
            Enabled ? new GeminiContextCompression { TriggerTokens = TriggerTokens, TargetTokens = TargetTokens } : null;
    }

    private static bool IsCompressionTokens(string value) => SettingRules.IsInt(value, 1000, 1_048_576);

    private static string? TargetBelowTrigger(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var trigger = configuration["Gemini:ContextCompression:TriggerTokens"];
        var target = configuration["Gemini:ContextCompression:TargetTokens"];
        if (trigger is null || target is null || !IsCompressionTokens(trigger) || !IsCompressionTokens(target))
        {
            return null;
        }

        return long.Parse(target, System.Globalization.CultureInfo.InvariantCulture) < long.Parse(trigger, System.Globalization.CultureInfo.InvariantCulture)
            ? null
            : SettingsSection.Describe("Gemini:ContextCompression:TargetTokens", target, $"fewer tokens than Gemini:ContextCompression:TriggerTokens ({trigger})");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^v[0-9][a-z0-9]*$")]
    private static partial System.Text.RegularExpressions.Regex ApiVersionPattern();

    public override string ToString() => $"GeminiClientOptions {{ BaseUrl = {BaseUrl}, ApiVersion = {ApiVersion} }}";
}
