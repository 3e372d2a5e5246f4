using Chorus.Gemini.Wire.Json;

namespace Chorus.Gemini.Wire;

/// <summary>Turns options plus the model's capability data into the <c>setup</c> body.</summary>
internal static class SetupBuilder
{
    public static SetupBody Build(GeminiLiveOptions options, string model, string? resumeHandle)
    {
        var capabilities = GeminiModelCatalog.For(model);
        var modelName = model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + model;

        ThinkingConfigDto? thinking = null;
        if (capabilities.Thinking == GeminiThinkingStyle.Level && options.ThinkingLevel is { } level)
        {
            thinking = new ThinkingConfigDto(level, null);
        }

        var detection = options.ActivityDetection;
        return new SetupBody
        {
            Model = modelName,
            GenerationConfig = new GenerationConfigDto
            {
                ResponseModalities = ["AUDIO"],
                SpeechConfig = options.VoiceName is null && options.LanguageCode is null
                    ? null
                    : new SpeechConfigDto(
                        options.VoiceName is { } voice ? new VoiceConfigDto(new PrebuiltVoiceConfigDto(voice)) : null,
                        options.LanguageCode),
                Temperature = options.Temperature,
                ThinkingConfig = thinking,
                EnableAffectiveDialog = capabilities.AffectiveDialog ? options.AffectiveDialog : null,
            },
            SystemInstruction = string.IsNullOrEmpty(options.SystemInstruction)
                ? null
                : new ContentDto(null, [new PartDto(options.SystemInstruction)]),
            Tools = options.GoogleSearch ? [new ToolDto(EmptyDto.Instance)] : null,
            RealtimeInputConfig = new RealtimeInputConfigDto(
                new AutomaticActivityDetectionDto(
                    detection.Disabled,
                    detection.StartOfSpeechSensitivity switch
                    {
                        GeminiSensitivity.High => "START_SENSITIVITY_HIGH",
                        GeminiSensitivity.Low => "START_SENSITIVITY_LOW",
                        _ => null,
                    },
                    detection.EndOfSpeechSensitivity switch
                    {
                        GeminiSensitivity.High => "END_SENSITIVITY_HIGH",
                        GeminiSensitivity.Low => "END_SENSITIVITY_LOW",
                        _ => null,
                    },
                    detection.PrefixPaddingMs,
                    detection.SilenceDurationMs),
                options.ActivityHandling == GeminiActivityHandling.NoInterruption ? "NO_INTERRUPTION" : "START_OF_ACTIVITY_INTERRUPTS",
                "TURN_INCLUDES_ONLY_ACTIVITY"),
            InputAudioTranscription = options.InputTranscription ? EmptyDto.Instance : null,
            OutputAudioTranscription = options.OutputTranscription ? EmptyDto.Instance : null,
            SessionResumption = options.SessionResumption || resumeHandle is not null ? new SessionResumptionDto(resumeHandle) : null,
            ContextWindowCompression = options.ContextCompression is { } compression
                ? new ContextWindowCompressionDto(compression.TriggerTokens, new SlidingWindowDto(compression.TargetTokens))
                : null,
            Proactivity = capabilities.ConfigurableProactivity && options.ProactiveAudio is { } proactive ? new ProactivityDto(proactive) : null,
        };
    }
}
