using Chorus.Grains.Sharding;
using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// The settings of <see cref="ShardLeaseOptions"/> (section "Shards"), read by the shard lease grains and the gateways
/// alike; declared here because the options class lives with the grain contracts, which know nothing of hosting.
/// </summary>
public static class ShardLeaseSettings
{
    private static readonly ShardLeaseOptions Defaults = new();

    public static SettingsSection Section { get; } = new(ShardLeaseOptions.SectionName, HostedParts.AllInOne, RenewalShorterThanLease)
    {
        { nameof(ShardLeaseOptions.LeaseDuration), "a duration of at least 00:00:01 (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromSeconds(1)) },
        { nameof(ShardLeaseOptions.RenewalInterval), "a duration of at least 00:00:00.1 (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.FromMilliseconds(100)) },
        { nameof(ShardLeaseOptions.TakeOverAnyShard), HostedParts.Gateway, SettingRules.TrueOrFalse, SettingRules.IsBool },
        { nameof(ShardLeaseOptions.HandoverTimeout), HostedParts.Gateway, "a duration of zero or more (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.Zero) },
        { nameof(ShardLeaseOptions.HandoffTimeout), HostedParts.Gateway, "a duration of zero or more (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.Zero) },
        { nameof(ShardLeaseOptions.PauseWait), HostedParts.Gateway, "a duration of zero or more (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.Zero) },
    };

    // Two renewals must fit in a lease, so that one lost renewal never costs a live gateway its shards.
    private static string? RenewalShorterThanLease(IConfiguration configuration)
    {
        var lease = configuration.GetValue($"{ShardLeaseOptions.SectionName}:{nameof(ShardLeaseOptions.LeaseDuration)}", Defaults.LeaseDuration);
        var renewal = configuration.GetValue($"{ShardLeaseOptions.SectionName}:{nameof(ShardLeaseOptions.RenewalInterval)}", Defaults.RenewalInterval);
        return renewal * 2 <= lease
            ? null
            : SettingsSection.Describe($"{ShardLeaseOptions.SectionName}:{nameof(ShardLeaseOptions.RenewalInterval)}",
                configuration[$"{ShardLeaseOptions.SectionName}:{nameof(ShardLeaseOptions.RenewalInterval)}"] ?? renewal.ToString(),
                $"at most half of {ShardLeaseOptions.SectionName}:{nameof(ShardLeaseOptions.LeaseDuration)} ({lease})");
    }
}
