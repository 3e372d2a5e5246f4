namespace Chorus.Gateway.Commands;

/// <summary>Discord connection settings (configuration section "Discord"; DISCORD_TOKEN, SHARD_IDS, SHARD_COUNT map here).</summary>
public sealed class DiscordOptions
{
    public const string SectionName = "Discord";

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

    public override string ToString() => $"DiscordOptions {{ ApiBaseUrl = {ApiBaseUrl}, ShardIds = {ShardIds}, ShardCount = {ShardCount} }}";
}
