using Chorus.Gemini.Diagnostics;
namespace Chorus.Gemini;

/// <summary>Everything needed to open Live sessions for one logical conversation.</summary>
public sealed record GeminiLiveOptions
{
    /// <summary>The model used when neither <see cref="Model"/> nor <c>GEMINI_MODEL_ID</c> names one.</summary>
    public const string DefaultModel = "gemini-3.8-live";

    /// <summary>Sent only in the <c>x-goog-api-key</c> header; never logged, never put in a URL.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Scheme and host (ws, wss, http or https); the Live path is appended.</summary>
    public Uri BaseUri { get; init; } = new("wss://generativelanguage.googleapis.com");

    /// <summary>The API version path segment of the Live endpoint (for example <c>v1beta</c>).</summary>
    public string ApiVersion { get; init; } = "v1beta";

    /// <summary>Defaults to <c>GEMINI_MODEL_ID</c> when set, else <see cref="DefaultModel"/>.</summary>
    public string Model { get; init; } = ModelFromEnvironment();

    /// <summary>Tried in order when the model is refused at setup (not found, not supported).</summary>
    public IReadOnlyList<string> FallbackModels { get; init; } = [];

    /// <summary>The prebuilt voice the model speaks with (<c>speechConfig.voiceConfig</c>); null leaves the server's default.</summary>
    public string? VoiceName { get; init; } = "Kore";

    /// <summary>BCP-47 language of the model's speech (<c>speechConfig.languageCode</c>); null leaves it to the model.</summary>
    public string? LanguageCode { get; init; }

    /// <summary>The persona. Never logged.</summary>
    public string? SystemInstruction { get; init; }

    internal double? Temperature { get; init; }

    internal GeminiActivityDetection ActivityDetection { get; init; } = new();

    internal GeminiActivityHandling ActivityHandling { get; init; } = GeminiActivityHandling.StartOfActivityInterrupts;

    internal bool InputTranscription { get; init; } = true;

    internal bool OutputTranscription { get; init; } = true;

    /// <summary>Asks for <c>sessionResumptionUpdate</c> messages; the supervisor needs them to resume.</summary>
    public bool SessionResumption { get; init; } = true;

    /// <summary>
    /// Sliding-window compression lets a conversation outlive the server's session limits and bounds what each turn
    /// bills; null: none.
    /// </summary>
    public GeminiContextCompression? ContextCompression { get; init; } = new();

    /// <summary>Offers the Google Search tool to the model at setup.</summary>
    public bool GoogleSearch { get; init; }

    /// <summary>Only sent to models whose capabilities take a thinking level.</summary>
    public string? ThinkingLevel { get; init; }

    /// <summary>Only sent to models whose capabilities take affective dialog.</summary>
    public bool? AffectiveDialog { get; init; }

    /// <summary>Only sent to models whose capabilities allow switching proactive audio.</summary>
    public bool? ProactiveAudio { get; init; }

    /// <summary>
    /// WebSocket keep-alive frames: keep the connection (and proxies) alive while nobody speaks, instead of
    /// streaming billed silence.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Covers the WebSocket handshake and the wait for <c>setupComplete</c>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Backoff, retry and circuit-breaker settings for opening sessions.</summary>
    public GeminiReconnectPolicy Reconnect { get; init; } = new();

    /// <summary>User audio kept while no transport is open; the oldest is dropped beyond this.</summary>
    public TimeSpan DisconnectedAudioLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long before an acknowledgment (<c>generationComplete</c>, <c>turnComplete</c>, a new resumable handle)
    /// audio still counts as unread: the Developer API does not say which client messages it consumed, and chunks
    /// in flight when the acknowledgment was sent are not covered by it.
    /// </summary>
    public TimeSpan ResumeReplay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Most audio sent since the last acknowledgment kept to be sent again when its socket closes (the oldest is
    /// dropped beyond it): bounds the repeat after a cut.
    /// </summary>
    public TimeSpan UnacknowledgedAudioLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most completed turns (input and output transcriptions) a fresh session is seeded with when the server's
    /// context is lost. Eight turns is about the last minute or two of talk: enough to go on from, and the seed
    /// is re-billed as input on every turn of the new session.
    /// </summary>
    public int ContextSeedTurns { get; init; } = 8;

    /// <summary>
    /// Most characters of transcript in the seed (about 500 tokens); the oldest turns are left out beyond it.
    /// </summary>
    public int ContextSeedCharacters { get; init; } = 2000;

    /// <summary>The process-wide breaker to use instead of the shared one of <see cref="BaseUri"/> (tests).</summary>
    internal Resilience.GeminiServiceBreaker? ServiceBreaker { get; init; }

    internal static string ModelFromEnvironment() =>
        Environment.GetEnvironmentVariable("GEMINI_MODEL_ID") is { Length: > 0 } model ? model : DefaultModel;

    /// <summary>
    /// Where everything the conversation and its sessions do is counted (connects, losses, handovers, audio, drops), the
    /// only place it is; <see cref="GeminiMetrics.Default"/> when null. An instance of the caller's own gives one
    /// conversation's counts.
    /// </summary>
    public GeminiMetrics? Metrics { get; init; }

    /// <summary>Largest server message accepted; bigger ones are dropped and counted.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Names the endpoint and model only: the generated record ToString would print the API key and the persona.</summary>
    public override string ToString() => $"GeminiLiveOptions {{ BaseUri = {BaseUri}, ApiVersion = {ApiVersion}, Model = {Model} }}";
}
