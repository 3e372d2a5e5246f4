using Chorus.Grains.Sessions;
using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// The settings of <see cref="VoiceSessionOptions"/> (section "Sessions"), read by the session grains and the gateways
/// alike; declared here because the options class lives with the grain contracts, which know nothing of hosting.
/// </summary>
public static class VoiceSessionSettings
{
    private static readonly TimeSpan DefaultLease = new VoiceSessionOptions().LeaseDuration;
    private static readonly TimeSpan DefaultRenewal = new VoiceSessionOptions().RenewalInterval;

    public static SettingsSection Section { get; } = new(VoiceSessionOptions.SectionName, HostedParts.AllInOne, RenewalShorterThanLease)
    {
        { nameof(VoiceSessionOptions.LeaseDuration), "a duration of at least 00:00:01 (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromSeconds(1)) },
        { nameof(VoiceSessionOptions.RenewalInterval), "a positive duration (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromTicks(1)) },
    };

    private static string? RenewalShorterThanLease(IConfiguration configuration)
    {
        var lease = configuration.GetValue("Sessions:LeaseDuration", DefaultLease);
        var renewal = configuration.GetValue("Sessions:RenewalInterval", DefaultRenewal);
        return renewal < lease
            ? null
            : SettingsSection.Describe("Sessions:RenewalInterval", configuration["Sessions:RenewalInterval"] ?? renewal.ToString(),
                $"a duration shorter than Sessions:LeaseDuration ({lease})");
    }
}
