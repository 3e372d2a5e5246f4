using System.Diagnostics;

namespace Chorus.LoadHarness;

/// <summary>
/// Readings of another process taken now: <see cref="Process"/> caches what it read last until
/// <see cref="Process.Refresh"/>, so a reading without it would repeat the first one.
/// </summary>
internal static class ProcessReadings
{
    /// <summary>User + system time of every thread so far.</summary>
    public static TimeSpan ProcessorTimeNow(this Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>Resident set size (<see cref="Process.WorkingSet64"/>).</summary>
    public static long WorkingSetNow(this Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }
}
