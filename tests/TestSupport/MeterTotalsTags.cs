using Chorus.Diagnostics;

namespace Chorus.TestSupport;

public static class MeterTotalsTags
{
    /// <summary>The sum of <paramref name="instrumentName"/>'s measurements carrying <paramref name="tag"/> (a tag its owner built once).</summary>
    public static long Total(this MeterTotals totals, string instrumentName, KeyValuePair<string, object?> tag) =>
        totals.Total(instrumentName, tag.Key, tag.Value!);
}
