namespace Chorus.Gateway.Hosting;

/// <summary>How voice connections reach voice servers (configuration section "Voice").</summary>
public sealed class VoiceTransportOptions
{
    public const string SectionName = "Voice";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Gateway)
    {
        { nameof(UseTls), SettingRules.TrueOrFalse, SettingRules.IsBool },
    };

    /// <summary>Discord's voice servers speak wss://; the loopback emulator also offers plain ws://.</summary>
    public bool UseTls { get; set; } = true;
}
