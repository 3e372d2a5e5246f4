using Chorus.Diagnostics;

namespace Chorus.TestSupport;

/// <summary>Reads a <see cref="MeterTotals"/> sum by the very tag an instrument's owner records with.</summary>
public static class MeterTotalsTags
{
    /// <summary>The sum of <paramref name="instrumentName"/>'s measurements that carry <paramref name="tag"/>.</summary>
    public static long Total(this MeterTotals totals, string instrumentName, KeyValuePair<string, object?> tag)
    {
        ArgumentNullException.ThrowIfNull(totals);
        return totals.Total(instrumentName, tag.Key, tag.Value!);
    }
}
