namespace Chorus.Grains.Settings;

/// <summary>Per-guild switches of the streaming bridge.</summary>
[GenerateSerializer, Immutable, Alias("chorus.GuildOptions")]
public sealed record GuildOptions(
    [property: Id(0)] bool HalfDuplex = false,
    [property: Id(1)] ulong? TranscriptChannelId = null,
    [property: Id(2)] int MaxSessionMinutes = GuildOptions.DefaultMaxSessionMinutes,
    [property: Id(3)] bool GoogleSearch = false,
    [property: Id(4)] bool LocalBargeIn = true)
{
    public const int DefaultMaxSessionMinutes = 120;
    public const int MaxAllowedSessionMinutes = 24 * 60;
}
