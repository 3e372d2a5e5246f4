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

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string name) => Known.Contains(name);

    /// <summary>
    /// The voices to suggest for what a user typed: up to <paramref name="limit"/> names containing it, those that start
    /// with it first (the list is longer than the 25 choices a Discord autocomplete may show).
    /// </summary>
    public static IReadOnlyList<string> Matching(string? typed, int limit)
    {
        var text = typed?.Trim() ?? string.Empty;
        return [.. All
            .Where(v => v.Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.StartsWith(text, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(v => v, StringComparer.Ordinal)
            .Take(limit)];
    }

    /// <summary>The catalogue spelling of <paramref name="name"/> when it differs only by case.</summary>
    public static string? Canonical(string name) =>
        All.FirstOrDefault(v => string.Equals(v, name, StringComparison.OrdinalIgnoreCase));
}
