using Chorus.Gateway.Hosting;

namespace Chorus.Gateway.Commands;

public sealed class CommandOptions
{
    public const string SectionName = "Commands";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway)
    {
        { nameof(DeferAfter), "a positive duration (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromTicks(1)) },
        { nameof(VoiceJoinTimeout), "a positive duration (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromTicks(1)) },
        { nameof(RateLimitBurst), "a whole number from 0 (no limit) to 1000", v => SettingRules.IsInt(v, 0, 1000) },
        { nameof(RateLimitPeriod), "a positive duration (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromTicks(1)) },
    };

    /// <summary>
    /// A command still working after this long is deferred ("thinking…") and its answer edited in later:
    /// Discord drops interactions not answered within 3 s, and the REST round trip needs part of that.
    /// </summary>
    public TimeSpan DeferAfter { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How long /join waits for Discord's voice session and server.</summary>
    public TimeSpan VoiceJoinTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many commands one user may run in one guild at once (a token bucket that starts full); 0 turns the limit off.
    /// Autocomplete suggestions are not counted.
    /// </summary>
    public int RateLimitBurst { get; set; } = 10;

    /// <summary>After the burst, one more command per this long (per user, per guild).</summary>
    public TimeSpan RateLimitPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This gateway process's id, as the session grains know it.</summary>
    public string GatewayId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}
