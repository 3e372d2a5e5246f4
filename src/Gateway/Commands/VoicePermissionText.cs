using Chorus.Discord.Interactions;

namespace Chorus.Gateway.Commands;

/// <summary>Names of missing permissions as Discord's settings screen shows them.</summary>
public static class VoicePermissionText
{
    public static string Describe(Permissions missing)
    {
        var names = new List<string>();
        if (missing.HasFlag(Permissions.ViewChannel))
        {
            names.Add("View Channel");
        }

        if (missing.HasFlag(Permissions.Connect))
        {
            names.Add("Connect");
        }

        if (missing.HasFlag(Permissions.Speak))
        {
            names.Add("Speak");
        }

        return names.Count switch
        {
            0 => string.Empty,
            1 => names[0],
            _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
        };
    }
}
