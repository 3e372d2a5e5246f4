using System.Text;
using System.Text.RegularExpressions;

namespace Chorus.Grains.Settings;

/// <summary>The validation every settings change passes; each error is a sentence a server admin can act on.</summary>
public static partial class GuildSettingsRules
{
    /// <summary>The most a slash-command string option carries.</summary>
    public const int MaxPersonaLength = GuildSettings.MaxPersonaLength;

    public static string? CheckPersona(string? persona)
    {
        if (string.IsNullOrWhiteSpace(persona))
        {
            return "The persona is empty: write at least one character.";
        }

        var length = CountCharacters(persona);
        if (length > MaxPersonaLength)
        {
            return $"The persona is {length} characters long; the limit is {MaxPersonaLength}.";
        }

        foreach (var rune in persona.EnumerateRunes())
        {
            if (Rune.IsControl(rune) && rune.Value is not ('\n' or '\t'))
            {
                return $"The persona contains a control character (U+{rune.Value:X4}); only newlines and tabs are allowed.";
            }
        }
        return null;
    }

    public static string? CheckVoice(string? voiceName) =>
        voiceName is not null && PrebuiltVoices.IsKnown(voiceName)
            ? null
            : $"Unknown voice '{Shorten(voiceName)}'. Known voices: {string.Join(", ", PrebuiltVoices.All)}.";

    public static string? CheckLanguage(string? languageCode) =>
        languageCode is null || LanguageCodePattern().IsMatch(languageCode)
            ? null
            : $"'{Shorten(languageCode)}' is not a BCP-47 language code such as en-US, de-DE or ja-JP.";

    public static string? CheckModel(string? modelId) =>
        modelId is null || ModelIdPattern().IsMatch(modelId)
            ? null
            : $"'{Shorten(modelId)}' is not a model id such as gemini-3.8-live.";

    public static string? CheckOptions(GuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxSessionMinutes is < GuildOptions.MinAllowedSessionMinutes or > GuildOptions.MaxAllowedSessionMinutes)
        {
            return $"The maximum session length must be between {GuildOptions.MinAllowedSessionMinutes} and {GuildOptions.MaxAllowedSessionMinutes} minutes (24 hours); {options.MaxSessionMinutes} is outside that.";
        }

        if (!Enum.IsDefined(options.ControlPolicy))
        {
            return $"'{options.ControlPolicy}' is not a known choice for who may stop or move the bot.";
        }

        if (options.ControlPolicy == SessionControlPolicy.Role && options.ControlRoleId is null or 0)
        {
            return "Choose the role whose members may stop or move the bot.";
        }

        return options.TranscriptChannelId is 0 ? "The transcripts channel id 0 is not a channel." : null;
    }

    /// <summary>Windows line ends count as one newline, as Discord shows them.</summary>
    public static string NormalizePersona(string persona) => persona.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Characters as a person counts them (Unicode scalar values, not UTF-16 units).</summary>
    internal static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");

    [GeneratedRegex("^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")]
    private static partial Regex LanguageCodePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9.\\-]{0,79}$")]
    private static partial Regex ModelIdPattern();
}
