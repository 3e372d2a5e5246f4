using System.Globalization;
using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Commands;

/// <summary>Discord connection settings (configuration section "Discord"; DISCORD_TOKEN, SHARD_IDS, SHARD_COUNT map here).</summary>
public sealed class DiscordOptions
{
    public const string SectionName = "Discord";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway, CheckTokenShape)
    {
        nameof(Token),
        { nameof(ApiBaseUrl), "an absolute http(s) URL", v => SettingRules.IsUrl(v, "http", "https") },
        { nameof(GatewayUrl), "an absolute ws(s) URL, or empty", v => v.Length == 0 || SettingRules.IsUrl(v, "ws", "wss") },
        { nameof(ShardIds), "shard ids such as 0,1 or 0-3", v => IsShards(v, null) },
        { nameof(ShardCount), "a number of shards or auto", v => IsShards(null, v) },
        {
            nameof(DevelopmentGuildId), "a guild id (a positive whole number)",
            v => ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
        },
        { nameof(AutoLeaveAfter), "a duration of zero or more (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.Zero) },
    };

    public string Token { get; set; } = string.Empty;

    /// <summary>REST base including the version; point it at the emulator in the sandbox.</summary>
    public string ApiBaseUrl { get; set; } = Chorus.Discord.Rest.DiscordRestOptions.DefaultApiBaseUrl;

    /// <summary>Discord gateway URL override (an emulator); empty = the URL GET /gateway/bot returns.</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>"0,1" or "0-3"; empty = every shard.</summary>
    public string? ShardIds { get; set; }

    /// <summary>A number or "auto".</summary>
    public string? ShardCount { get; set; }

    /// <summary>Register the commands in this guild only (instant, for development) instead of globally.</summary>
    public ulong? DevelopmentGuildId { get; set; }

    /// <summary>Leave a voice channel after it has had no humans for this long.</summary>
    public TimeSpan AutoLeaveAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The token's shape, before any network call; its value is never shown.</summary>
    private static string? CheckTokenShape(IConfiguration configuration) =>
        configuration[$"{SectionName}:{nameof(Token)}"] is { } token && !string.IsNullOrWhiteSpace(token) && !StartupCheck.IsBotTokenShape(token.Trim())
            ? $"{WellKnownVariables.DiscordToken} (Discord:Token) is not shaped like a bot token (value not shown); expected "
                + "three base64url parts separated by dots, as copied from the Discord developer portal (application -> Bot -> Reset Token)."
            : null;

    private static bool IsShards(string? ids, string? count)
    {
        try
        {
            Chorus.Discord.Gateway.ShardSetOptions.Parse(ids, count);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }

    public override string ToString() => $"DiscordOptions {{ ApiBaseUrl = {ApiBaseUrl}, ShardIds = {ShardIds}, ShardCount = {ShardCount} }}";
}
