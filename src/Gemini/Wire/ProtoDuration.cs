using System.Globalization;

namespace Chorus.Gemini.Wire;

/// <summary>Proto-JSON durations: <c>"9.5s"</c>, <c>"50s"</c>, <c>"0.000001s"</c>.</summary>
internal static class ProtoDuration
{
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        if (text.Length < 2 || text[^1] != 's')
        {
            return false;
        }

        if (!decimal.TryParse(text[..^1], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || seconds < 0 || seconds > (decimal)TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    public static string Format(TimeSpan value) =>
        ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.#########", CultureInfo.InvariantCulture) + "s";
}
