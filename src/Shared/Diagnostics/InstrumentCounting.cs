using System.Diagnostics.Metrics;

namespace Chorus.Diagnostics;

/// <summary>
/// One event counted twice in one call: in a field of the object that saw it (its own view, for /status, logs and
/// tests) and on the exported instrument (the process's total). Compiled into each assembly that has a
/// <c>*Counters</c> class (linked from src/Shared), so that no assembly needs another for it. Allocates nothing: the
/// tags are passed by reference, built once by the caller.
/// </summary>
internal static class InstrumentCounting
{
    /// <summary>Adds one to <paramref name="counter"/> and to <paramref name="instrument"/>; returns the new count.</summary>
    public static long Count(this Counter<long> instrument, ref long counter)
    {
        var count = Interlocked.Increment(ref counter);
        instrument.Add(1);
        return count;
    }

    /// <summary>Adds one to <paramref name="counter"/> and to <paramref name="instrument"/> with <paramref name="tag"/>; returns the new count.</summary>
    public static long Count(this Counter<long> instrument, ref long counter, in KeyValuePair<string, object?> tag)
    {
        var count = Interlocked.Increment(ref counter);
        instrument.Add(1, tag);
        return count;
    }

    /// <summary>Adds one to <paramref name="counter"/> and to <paramref name="instrument"/> with two tags; returns the new count.</summary>
    public static long Count(
        this Counter<long> instrument, ref long counter, in KeyValuePair<string, object?> tag1, in KeyValuePair<string, object?> tag2)
    {
        var count = Interlocked.Increment(ref counter);
        instrument.Add(1, tag1, tag2);
        return count;
    }

    /// <summary>Adds <paramref name="amount"/> to <paramref name="counter"/> and to <paramref name="instrument"/> with <paramref name="tag"/>.</summary>
    public static long Count(this Counter<long> instrument, ref long counter, long amount, in KeyValuePair<string, object?> tag)
    {
        var count = Interlocked.Add(ref counter, amount);
        instrument.Add(amount, tag);
        return count;
    }

    /// <summary>The meter <paramref name="name"/> from the host's factory, or one of the caller's own when there is no factory.</summary>
    public static Meter CreateMeter(IMeterFactory? meterFactory, string name) => meterFactory?.Create(name) ?? new Meter(name);
}
