namespace Chorus.Gateway.Hosting;

/// <summary>What a process hosts and the Orleans ports of the embedded (localhost) clustering (configuration section "Chorus").</summary>
public sealed class ChorusHostOptions
{
    public const string SectionName = "Chorus";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.AllInOne)
    {
        {
            nameof(Mode), HostedParts.Silo, "AllInOne or Silo",
            v => v.Equals(AllInOne, StringComparison.OrdinalIgnoreCase) || v.Equals(SiloOnly, StringComparison.OrdinalIgnoreCase)
        },
        { nameof(SiloPort), HostedParts.Silo, SettingRules.Port, v => SettingRules.IsInt(v, 1, 65535) },
        // A gateway process looks for the silo's gateway endpoint on this port too.
        { nameof(GatewayPort), SettingRules.Port, v => SettingRules.IsInt(v, 1, 65535) },
    };

    public const string AllInOne = "AllInOne";
    public const string SiloOnly = "Silo";

    /// <summary><see cref="AllInOne"/> (silo + gateway in this process) or <see cref="SiloOnly"/> (the grains; gateways run elsewhere).</summary>
    public string Mode { get; set; } = AllInOne;

    public int SiloPort { get; set; } = 11111;

    /// <summary>Where the silo accepts Orleans clients, and where a gateway process looks for it (127.0.0.1).</summary>
    public int GatewayPort { get; set; } = 30000;
}
