namespace Chorus.Grains.Settings;

/// <summary>The Live API's prebuilt voice names (case-sensitive), as documented in late 2026.</summary>
public static class PrebuiltVoices
{
    public static IReadOnlyList<string> All { get; } =
    [
        "Achernar", "Achird", "Algenib", "Algieba", "Alnilam", "Aoede", "Autonoe", "Callirrhoe", "Charon",
        "Despina", "Enceladus", "Erinome", "Fenrir", "Gacrux", "Iapetus", "Kore", "Laomedeia", "Leda", "Orus",
        "Pulcherrima", "Puck", "Rasalgethi", "Sadachbia", "Sadaltager", "Schedar", "Sulafat", "Umbriel",
        "Vindemiatrix", "Zephyr", "Zubenelgenubi",
    ];

    /// <summary>The voices a slash command offers as fixed choices (Discord allows at most 25).</summary>
    public static IReadOnlyList<string> CommandChoices { get; } = All.Take(25).ToArray();

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string name) => Known.Contains(name);

    /// <summary>The catalogue spelling of <paramref name="name"/> when it differs only by case.</summary>
    public static string? Canonical(string name) =>
        All.FirstOrDefault(v => string.Equals(v, name, StringComparison.OrdinalIgnoreCase));
}
