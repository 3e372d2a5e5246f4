namespace Chorus.Gateway.Hosting;

/// <summary>
/// The flat variable names of the reference bot (and of most Discord bot how-tos), mapped onto our
/// configuration sections, so `DISCORD_TOKEN=... dotnet run` just works.
/// </summary>
public static class WellKnownVariables
{
    public const string DiscordToken = "DISCORD_TOKEN";
    public const string GeminiApiKey = "GEMINI_API_KEY";

    public static IReadOnlyDictionary<string, string> ToConfigurationKeys { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [DiscordToken] = "Discord:Token",
        [GeminiApiKey] = "Gemini:ApiKey",
        ["GEMINI_MODEL_ID"] = "Bot:ModelId",
        ["GEMINI_VOICE_NAME"] = "Bot:VoiceName",
        ["BOT_PERSONALITY"] = "Bot:Persona",
        ["BOT_LANGUAGE_CODE"] = "Bot:LanguageCode",
        ["SHARD_IDS"] = "Discord:ShardIds",
        ["SHARD_COUNT"] = "Discord:ShardCount",
        ["GATEWAY_ID"] = "Gateway:Id",
    };

    /// <summary>Where to get each secret, for the start-up message that names what is missing.</summary>
    public static IReadOnlyDictionary<string, string> SecretSources { get; } = new Dictionary<string, string>
    {
        [DiscordToken] = "the bot token from https://discord.com/developers/applications (your application -> Bot -> Reset Token)",
        [GeminiApiKey] = "an API key from https://aistudio.google.com/apikey",
    };
}
