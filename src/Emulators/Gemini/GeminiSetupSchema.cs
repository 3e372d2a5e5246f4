using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Chorus.Emulators.Gemini;

/// <summary>
/// The fields and enum values the real <c>BidiGenerateContentSetup</c> accepts on the Developer API, as the wire JSON
/// spells them. Taken from <c>@google/genai</c> <see cref="GenaiVersion"/>: the <c>LiveClientSetup</c>,
/// <c>LiveConnectConfig</c> and nested type definitions in <c>dist/genai.d.ts</c>, narrowed by the Developer-API
/// converters in <c>dist/node/index.mjs</c> (<c>liveConnectParametersToMldev</c>, <c>liveConnectConfigToMldev</c>,
/// <c>sessionResumptionConfigToMldev</c>, <c>safetySettingToMldev</c>, <c>toolToMldev</c>), which refuse
/// <c>explicitVadSignal</c>, <c>sessionResumption.transparent</c>, <c>safetySettings[].method</c> and the
/// Vertex-only tools. Fields the type comments mark "not supported in Gemini API" (<c>audioTimestamp</c>,
/// <c>routingConfig</c>) are left out. Free-form payloads (function schemas, part contents, labels) are not
/// descended into.
/// </summary>
internal static class GeminiSetupSchema
{
    public const string GenaiVersion = "3.6.1";

    private static readonly Shape Str = new ScalarShape(ScalarKind.String, "TYPE_STRING");
    private static readonly Shape Bool = new ScalarShape(ScalarKind.Bool, "TYPE_BOOL");
    private static readonly Shape Int = new ScalarShape(ScalarKind.Number, "TYPE_INT32");
    private static readonly Shape Float = new ScalarShape(ScalarKind.Number, "TYPE_FLOAT");

    // Proto JSON carries int64 as a string but accepts a number too.
    private static readonly Shape Int64 = new ScalarShape(ScalarKind.NumberOrString, "TYPE_INT64");
    private static readonly Shape Any = new AnyShape();

    private static readonly Shape Modality = Enum("MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO", "VIDEO");
    private static readonly Shape MediaResolution = Enum("MEDIA_RESOLUTION_UNSPECIFIED", "MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_MEDIUM", "MEDIA_RESOLUTION_HIGH");
    private static readonly Shape ThinkingLevel = Enum("THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH", "XHIGH");
    private static readonly Shape ActivityHandling = Enum("ACTIVITY_HANDLING_UNSPECIFIED", "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION");
    private static readonly Shape TurnCoverage = Enum("TURN_COVERAGE_UNSPECIFIED", "TURN_INCLUDES_ONLY_ACTIVITY", "TURN_INCLUDES_ALL_INPUT", "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO");
    private static readonly Shape StartSensitivity = Enum("START_SENSITIVITY_UNSPECIFIED", "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW");
    private static readonly Shape EndSensitivity = Enum("END_SENSITIVITY_UNSPECIFIED", "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW");
    private static readonly Shape TranscriptionMode = Enum("MODE_UNSPECIFIED", "VERBATIM", "SMART");
    private static readonly Shape HarmCategory = Enum(
        "HARM_CATEGORY_UNSPECIFIED", "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY", "HARM_CATEGORY_JAILBREAK", "HARM_CATEGORY_IMAGE_HATE",
        "HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT", "HARM_CATEGORY_IMAGE_HARASSMENT", "HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT");
    private static readonly Shape HarmBlockThreshold = Enum(
        "HARM_BLOCK_THRESHOLD_UNSPECIFIED", "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF");

    private static readonly Shape VoiceConfig = Object(
        ("prebuiltVoiceConfig", Object(("voiceName", Str))),
        ("replicatedVoiceConfig", Object(("mimeType", Str), ("voiceSampleAudio", Str), ("consentAudio", Str), ("voiceConsentSignature", Any))),
        ("voice", Str));

    // multiSpeakerVoiceConfig exists in SpeechConfig but tLiveSpeechConfig refuses it for the live API.
    private static readonly Shape SpeechConfig = Object(("voiceConfig", VoiceConfig), ("languageCode", Str));

    private static readonly Shape ThinkingConfig = Object(("includeThoughts", Bool), ("thinkingBudget", Int), ("thinkingLevel", ThinkingLevel));

    private static readonly Shape TranslationConfig = Object(("echoTargetLanguage", Bool), ("targetLanguageCode", Str));

    private static readonly Shape TranscriptionConfig = Object(
        ("languageCodes", Array(Str)),
        ("languageAuto", Any),
        ("languageHints", Object(("languageCodes", Array(Str)))),
        ("customVocabulary", Array(Str)),
        ("adaptationPhrases", Array(Str)),
        ("wordTimestamp", Bool),
        ("diarization", Bool),
        ("mode", TranscriptionMode),
        ("sourceText", Str));

    private static readonly Shape GenerationConfig = Object(
        ("modelSelectionConfig", Any),
        ("responseJsonSchema", Any),
        ("audioTranscriptionConfig", TranscriptionConfig),
        ("candidateCount", Int),
        ("enableAffectiveDialog", Bool),
        ("frequencyPenalty", Float),
        ("logprobs", Int),
        ("maxOutputTokens", Int),
        ("mediaResolution", MediaResolution),
        ("presencePenalty", Float),
        ("responseFormat", Array(Any)),
        ("responseLogprobs", Bool),
        ("responseMimeType", Str),
        ("responseModalities", Array(Modality)),
        ("responseSchema", Any),
        ("seed", Int),
        ("speechConfig", SpeechConfig),
        ("stopSequences", Array(Str)),
        ("temperature", Float),
        ("thinkingConfig", ThinkingConfig),
        ("topK", Float),
        ("topP", Float),
        ("enableEnhancedCivicAnswers", Bool),
        ("translationConfig", TranslationConfig));

    private static readonly Shape Content = Object(("parts", Array(Object(
        ("mediaResolution", Any), ("toolCall", Any), ("toolResponse", Any), ("audioTranscription", Any), ("codeExecutionResult", Any),
        ("executableCode", Any), ("fileData", Any), ("functionCall", Any), ("functionResponse", Any), ("inlineData", Any),
        ("text", Str), ("thought", Bool), ("thoughtSignature", Str), ("videoMetadata", Any), ("partMetadata", Any),
        ("mediaProcessing", Any), ("speechMetadata", Any), ("documentMetadata", Any), ("spreadsheetMetadata", Any),
        ("audioMetadata", Any)))), ("role", Str));

    // toolToMldev refuses retrieval, enterpriseWebSearch, exaAiSearch and parallelAiSearch.
    private static readonly Shape Tool = Object(
        ("googleMaps", Any), ("mcpServers", Array(Any)), ("codeExecution", Any), ("computerUse", Any),
        ("functionDeclarations", Array(Any)), ("googleSearch", Any), ("googleSearchRetrieval", Any), ("urlContext", Any),
        ("fileSearch", Any));

    private static readonly Shape Setup = Object(
        ("model", Str),
        ("generationConfig", GenerationConfig),
        ("systemInstruction", Content),
        ("tools", Array(Tool)),
        ("realtimeInputConfig", Object(
            ("automaticActivityDetection", Object(
                ("disabled", Bool),
                ("startOfSpeechSensitivity", StartSensitivity),
                ("endOfSpeechSensitivity", EndSensitivity),
                ("prefixPaddingMs", Int),
                ("silenceDurationMs", Int))),
            ("activityHandling", ActivityHandling),
            ("turnCoverage", TurnCoverage),
            ("interimTranscriptTimestampEnabled", Bool))),
        ("sessionResumption", Object(("handle", Str))),
        ("contextWindowCompression", Object(("triggerTokens", Int64), ("slidingWindow", Object(("targetTokens", Int64))))),
        ("inputAudioTranscription", TranscriptionConfig),
        ("outputAudioTranscription", TranscriptionConfig),
        ("proactivity", Object(("proactiveAudio", Bool), ("proactiveVideo", Bool))),
        ("historyConfig", Object(("initialHistoryInClientContent", Bool))),
        ("avatarConfig", Object(("avatarName", Str), ("customizedAvatar", Object(("imageMimeType", Str), ("imageData", Str))), ("audioBitrateBps", Int), ("videoBitrateBps", Int))),
        ("safetySettings", Array(Object(("category", HarmCategory), ("threshold", HarmBlockThreshold)))),
        ("labels", Any));

    /// <summary>Null when <paramref name="setup"/> fits the schema, else the service's message naming the first offence.</summary>
    public static string? Check(JsonElement setup) => Check(Setup, setup, "setup");

    /// <summary><c>generationConfig.speechConfig</c> becomes <c>generation_config.speech_config</c>, as the service reports paths.</summary>
    public static string ProtoPath(string camelPath)
    {
        var snake = new StringBuilder(camelPath.Length + 8);
        foreach (var c in camelPath)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                snake.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                snake.Append(c);
            }
        }

        return snake.ToString();
    }

    private static string? Check(Shape shape, JsonElement value, string path)
    {
        switch (shape)
        {
            case AnyShape:
                return null;
            case ObjectShape obj:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return Invalid(path, "TYPE_MESSAGE", value);
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (!obj.Fields.TryGetValue(property.Name, out var field))
                    {
                        return $"Invalid JSON payload received. Unknown name \"{property.Name}\" at '{ProtoPath(path)}': Cannot find field.";
                    }

                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    if (Check(field, property.Value, $"{path}.{property.Name}") is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case ArrayShape array:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return Invalid(path, "TYPE_REPEATED", value);
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Check(array.Item, item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } error)
                    {
                        return error;
                    }
                }

                return null;
            case EnumShape enumeration:
                return value.ValueKind == JsonValueKind.String && enumeration.Values.Contains(value.GetString()!)
                    ? null
                    : Invalid(path, "TYPE_ENUM", value);
            case ScalarShape scalar:
                var fits = scalar.Kind switch
                {
                    ScalarKind.String => value.ValueKind == JsonValueKind.String,
                    ScalarKind.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                    ScalarKind.Number => value.ValueKind == JsonValueKind.Number,
                    _ => value.ValueKind == JsonValueKind.Number
                        || (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
                };
                return fits ? null : Invalid(path, scalar.ProtoType, value);
            default:
                throw new InvalidOperationException($"Unknown shape {shape}.");
        }
    }

    private static string Invalid(string path, string protoType, JsonElement value) =>
        $"Invalid JSON payload received. Invalid value at '{ProtoPath(path)}' ({protoType}), {value.GetRawText()}";

    private static ObjectShape Object(params (string Name, Shape Shape)[] fields) =>
        new(fields.ToFrozenDictionary(f => f.Name, f => f.Shape, StringComparer.Ordinal));

    private static ArrayShape Array(Shape item) => new(item);

    private static EnumShape Enum(params string[] values) => new(values.ToFrozenSet(StringComparer.Ordinal));

    private enum ScalarKind
    {
        String,
        Bool,
        Number,
        NumberOrString,
    }

    private abstract record Shape;

    private sealed record AnyShape : Shape;

    private sealed record ObjectShape(FrozenDictionary<string, Shape> Fields) : Shape;

    private sealed record ArrayShape(Shape Item) : Shape;

    private sealed record EnumShape(FrozenSet<string> Values) : Shape;

    private sealed record ScalarShape(ScalarKind Kind, string ProtoType) : Shape;
}
