namespace Chorus.Grains.Settings;

/// <summary>
/// The outcome of a settings change: on failure <see cref="Error"/> says what was wrong in words a
/// server admin can act on, and <see cref="Settings"/> is the unchanged stored value.
/// </summary>
[GenerateSerializer, Immutable, Alias("chorus.SettingsChangeResult")]
public sealed record SettingsChangeResult(
    [property: Id(0)] bool Succeeded,
    [property: Id(1)] string? Error,
    [property: Id(2)] GuildSettings Settings)
{
    public static SettingsChangeResult Ok(GuildSettings settings) => new(true, null, settings);

    public static SettingsChangeResult Rejected(string error, GuildSettings unchanged) => new(false, error, unchanged);
}
