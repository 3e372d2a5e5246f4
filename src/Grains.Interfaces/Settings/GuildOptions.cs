namespace Chorus.Grains.Settings;

/// <summary>
/// Per-guild switches of the streaming bridge and the session, and who may stop or move the bot. Fields are only
/// ever added, with defaults that mean "as before" (stored options written before a field existed read as its default).
/// </summary>
[GenerateSerializer, Immutable, Alias("chorus.GuildOptions")]
public sealed record GuildOptions(
    [property: Id(0)] bool HalfDuplex = false,
    [property: Id(1)] ulong? TranscriptChannelId = null,
    [property: Id(2)] int MaxSessionMinutes = GuildOptions.DefaultMaxSessionMinutes,
    [property: Id(3)] bool GoogleSearch = false,
    [property: Id(4)] bool LocalBargeIn = true,
    [property: Id(5)] SessionControlPolicy ControlPolicy = SessionControlPolicy.AnyoneInChannel,
    [property: Id(6)] ulong? ControlRoleId = null)
{
    public const int DefaultMaxSessionMinutes = 120;
    public const int MinAllowedSessionMinutes = 1;
    public const int MaxAllowedSessionMinutes = 24 * 60;
}
