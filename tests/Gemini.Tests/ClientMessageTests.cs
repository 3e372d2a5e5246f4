using System.Text;
using System.Text.Json;
using Chorus.Gemini.Wire;

namespace Chorus.Gemini.Tests;

public sealed class ClientMessageTests
{
    private static readonly GeminiLiveOptions Options = new()
    {
        ApiKey = "k",
        Model = "gemini-3.8-live",
        VoiceName = "Puck",
        LanguageCode = "en-US",
        SystemInstruction = "You are a pirate.",
        ActivityDetection = new GeminiActivityDetection
        {
            StartOfSpeechSensitivity = GeminiSensitivity.High,
            EndOfSpeechSensitivity = GeminiSensitivity.Low,
            PrefixPaddingMs = 120,
            SilenceDurationMs = 350,
        },
        ContextCompression = new GeminiContextCompression { TriggerTokens = 100_000, TargetTokens = 50_000 },
        GoogleSearch = true,
        ThinkingLevel = "LOW",
        AffectiveDialog = true,
        ProactiveAudio = true,
    };

    private static JsonElement Setup(GeminiLiveOptions options, string model, string? handle = null) =>
        JsonDocument.Parse(GeminiClientMessages.Setup(options, model, handle)).RootElement.GetProperty("setup");

    [Fact]
    public void Setup_carries_every_option_in_its_documented_place()
    {
        var setup = Setup(Options, "gemini-3.8-live");

        Assert.Equal("models/gemini-3.8-live", setup.GetProperty("model").GetString());
        var generation = setup.GetProperty("generationConfig");
        Assert.Equal("AUDIO", generation.GetProperty("responseModalities")[0].GetString());
        Assert.Equal("Puck", generation.GetProperty("speechConfig").GetProperty("voiceConfig").GetProperty("prebuiltVoiceConfig").GetProperty("voiceName").GetString());
        Assert.Equal("en-US", generation.GetProperty("speechConfig").GetProperty("languageCode").GetString());
        Assert.Equal("You are a pirate.", setup.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("tools")[0].GetProperty("googleSearch").ValueKind);
        var realtime = setup.GetProperty("realtimeInputConfig");
        var detection = realtime.GetProperty("automaticActivityDetection");
        Assert.False(detection.GetProperty("disabled").GetBoolean());
        Assert.Equal("START_SENSITIVITY_HIGH", detection.GetProperty("startOfSpeechSensitivity").GetString());
        Assert.Equal("END_SENSITIVITY_LOW", detection.GetProperty("endOfSpeechSensitivity").GetString());
        Assert.Equal(120, detection.GetProperty("prefixPaddingMs").GetInt32());
        Assert.Equal(350, detection.GetProperty("silenceDurationMs").GetInt32());
        Assert.Equal("START_OF_ACTIVITY_INTERRUPTS", realtime.GetProperty("activityHandling").GetString());
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("inputAudioTranscription").ValueKind);
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("outputAudioTranscription").ValueKind);
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("sessionResumption").ValueKind);
        Assert.False(setup.GetProperty("sessionResumption").TryGetProperty("handle", out _));

        // int64 fields are JSON strings in proto JSON.
        var compression = setup.GetProperty("contextWindowCompression");
        Assert.Equal("100000", compression.GetProperty("triggerTokens").GetString());
        Assert.Equal("50000", compression.GetProperty("slidingWindow").GetProperty("targetTokens").GetString());
    }

    [Fact]
    public void Setup_sends_only_what_the_model_accepts()
    {
        // 3.8: no thinking config, no affective dialog, proactivity always on (sending it is an error).
        var live38 = Setup(Options, "gemini-3.8-live");
        Assert.False(live38.GetProperty("generationConfig").TryGetProperty("thinkingConfig", out _));
        Assert.False(live38.GetProperty("generationConfig").TryGetProperty("enableAffectiveDialog", out _));
        Assert.False(live38.TryGetProperty("proactivity", out _));

        var extended = Setup(Options, "gemini-3.8-live-extended-thinking");
        Assert.Equal("LOW", extended.GetProperty("generationConfig").GetProperty("thinkingConfig").GetProperty("thinkingLevel").GetString());

        var native25 = Setup(Options, "gemini-2.5-flash-native-audio-preview-12-2025");
        Assert.True(native25.GetProperty("generationConfig").GetProperty("enableAffectiveDialog").GetBoolean());
        Assert.True(native25.GetProperty("proactivity").GetProperty("proactiveAudio").GetBoolean());

        Assert.True(GeminiModelCatalog.For("models/gemini-3.8-live").ContextUpdate);
        Assert.False(GeminiModelCatalog.For("gemini-3.1-flash-live-preview").ContextUpdate);
        Assert.False(GeminiModelCatalog.For("some-future-model").ContextUpdate);
    }

    [Fact]
    public void Setup_with_a_handle_resumes_and_minimal_options_omit_nulls()
    {
        var setup = Setup(new GeminiLiveOptions { ApiKey = "k", Model = "gemini-3.8-live", VoiceName = null, ContextCompression = null, InputTranscription = false, OutputTranscription = false }, "gemini-3.8-live", "h-1");

        Assert.Equal("h-1", setup.GetProperty("sessionResumption").GetProperty("handle").GetString());
        Assert.False(setup.TryGetProperty("systemInstruction", out _));
        Assert.False(setup.TryGetProperty("tools", out _));
        Assert.False(setup.TryGetProperty("contextWindowCompression", out _));
        Assert.False(setup.TryGetProperty("inputAudioTranscription", out _));
        Assert.False(setup.GetProperty("generationConfig").TryGetProperty("speechConfig", out _));
        Assert.DoesNotContain("null", Encoding.UTF8.GetString(GeminiClientMessages.Setup(Options, "gemini-3.8-live", null)), StringComparison.Ordinal);
    }

    [Fact]
    public void Audio_chunk_is_realtime_input_with_base64_pcm()
    {
        var pcm = Enumerable.Range(0, 1280).Select(i => (byte)i).ToArray();
        var buffer = new byte[GeminiClientMessages.MaxAudioMessageLength(pcm.Length)];

        var written = GeminiClientMessages.WriteAudio(pcm, buffer);

        var audio = JsonDocument.Parse(buffer.AsMemory(0, written)).RootElement.GetProperty("realtimeInput").GetProperty("audio");
        Assert.Equal("audio/pcm;rate=16000", audio.GetProperty("mimeType").GetString());
        Assert.Equal(pcm, audio.GetProperty("data").GetBytesFromBase64());
    }

    [Fact]
    public void Audio_writer_refuses_a_short_buffer()
    {
        Assert.Throws<ArgumentException>(() => GeminiClientMessages.WriteAudio(new byte[640], new byte[100]));
    }

    [Fact]
    public void Other_client_messages_match_the_documented_json()
    {
        Assert.Equal("{\"realtimeInput\":{\"audioStreamEnd\":true}}", Encoding.UTF8.GetString(GeminiClientMessages.AudioStreamEnd.Span));
        Assert.Equal(
            "{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi there\"}]}],\"turnComplete\":true}}",
            Encoding.UTF8.GetString(GeminiClientMessages.TextTurn("hi there")));
        var quoted = JsonDocument.Parse(GeminiClientMessages.TextTurn("say \"hi\"\nnow")).RootElement;
        Assert.Equal("say \"hi\"\nnow", quoted.GetProperty("clientContent").GetProperty("turns")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal(
            "{\"contextUpdate\":{\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]}}}",
            Encoding.UTF8.GetString(GeminiClientMessages.ContextUpdate("Be brief.")));
        using var response = JsonDocument.Parse("{\"output\":42}");
        Assert.Equal(
            "{\"toolResponse\":{\"functionResponses\":[{\"id\":\"c1\",\"name\":\"f\",\"response\":{\"output\":42}}]}}",
            Encoding.UTF8.GetString(GeminiClientMessages.ToolResponse("c1", "f", response.RootElement)));
    }

    [Fact]
    public void Endpoint_keeps_the_key_out_of_the_url()
    {
        var uri = GeminiLiveEndpoint.For(new Uri("http://127.0.0.1:5000/"), "v1beta");
        Assert.Equal("ws://127.0.0.1:5000/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent", uri.ToString());
        Assert.Equal(
            "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent",
            GeminiLiveEndpoint.For(new Uri("https://generativelanguage.googleapis.com"), "v1alpha").ToString());
    }

    [Theory]
    [InlineData(1011, "Internal error encountered.", false, GeminiFailureKind.Transient)]
    [InlineData(null, null, false, GeminiFailureKind.Transient)]
    [InlineData(1006, "", false, GeminiFailureKind.Transient)]
    [InlineData(1011, "RESOURCE_EXHAUSTED: Maximum concurrent sessions", false, GeminiFailureKind.QuotaExhausted)]
    [InlineData(1007, "API key not valid. Please pass a valid API key.", false, GeminiFailureKind.InvalidCredentials)]
    [InlineData(1007, "API key expired. Please renew the API key.", true, GeminiFailureKind.InvalidCredentials)]
    [InlineData(1007, "Request contains an invalid argument.", true, GeminiFailureKind.ResumeRefused)]
    [InlineData(1007, "Request contains an invalid argument.", false, GeminiFailureKind.InvalidRequest)]
    [InlineData(1008, "models/x is not found for API version v1beta, or is not supported for bidiGenerateContent", false, GeminiFailureKind.ModelUnavailable)]
    [InlineData(1008, "The session has expired.", false, GeminiFailureKind.Transient)]
    [InlineData(1000, "", false, GeminiFailureKind.Normal)]
    public void Close_codes_are_classified(int? code, string? reason, bool resuming, GeminiFailureKind expected)
    {
        Assert.Equal(expected, GeminiCloseClassifier.Classify(code, reason, resuming));
    }

    [Fact]
    public void Options_never_print_the_key_or_the_persona()
    {
        var options = Options with { ApiKey = "AIza-very-secret-key", SystemInstruction = "You are a secret persona." };
        var printed = options.ToString();
        Assert.DoesNotContain("AIza-very-secret-key", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret persona", printed, StringComparison.Ordinal);
        Assert.Contains(options.Model, printed, StringComparison.Ordinal);
    }
}
