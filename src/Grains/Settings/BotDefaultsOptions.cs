using System.ComponentModel.DataAnnotations;

namespace Chorus.Grains.Settings;

/// <summary>
/// What a guild gets before anyone changes its settings: from BOT_PERSONALITY, GEMINI_VOICE_NAME,
/// GEMINI_MODEL_ID (configuration section "Bot").
/// </summary>
public sealed class BotDefaultsOptions
{
    public const string SectionName = "Bot";

    public const string DefaultPersona =
        "You are a friendly voice assistant in a Discord voice channel. Keep answers short and conversational.";

    /// <summary>The current stable native-audio Live model (late 2026).</summary>
    public const string DefaultModelId = "gemini-3.8-live";

    public const string DefaultVoiceName = "Puck";

    [Required]
    public string Persona { get; set; } = DefaultPersona;

    [Required]
    public string VoiceName { get; set; } = DefaultVoiceName;

    [Required]
    public string ModelId { get; set; } = DefaultModelId;

    public string? LanguageCode { get; set; }
}
