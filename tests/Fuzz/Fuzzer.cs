using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Chorus.Fuzz;

/// <summary>What a parser did with one input.</summary>
internal enum FuzzOutcome
{
    /// <summary>Parsed (or processed) as valid.</summary>
    Accepted,

    /// <summary>Refused through its documented result (false, an error code, a counted drop).</summary>
    Rejected,

    /// <summary>Skipped by the target itself (an input it must not run, such as a real network address).</summary>
    Skipped,
}

/// <summary>One target's totals.</summary>
internal sealed record FuzzReport(
    string Target, int Seed, int Inputs, int Accepted, int Rejected, int DocumentedThrows, int Skipped, int Escapes,
    int OverAllocationBound, long MaxAllocatedBytes, TimeSpan Elapsed, IReadOnlyList<string> FirstFailures)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Target}: inputs={Inputs} accepted={Accepted} rejected={Rejected} documentedThrows={DocumentedThrows} skipped={Skipped} " +
        $"escapes={Escapes} overAllocationBound={OverAllocationBound} maxAllocated={MaxAllocatedBytes} B seed={Seed} " +
        $"time={Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 0.001):F0}/s)");
}

/// <summary>
/// The fuzz loop: input i of a target is a pure function of (target, seed, i), so any failure names the seed and
/// index that reproduce it. Every input is run on this thread and its allocation measured on this thread.
/// </summary>
internal sealed class Fuzzer
{
    private const int FailuresKept = 5;

    public required string Target { get; init; }

    /// <summary>Valid messages produced by our own encoders or emulators; each is checked to be accepted as is.</summary>
    public required IReadOnlyList<byte[]> Seeds { get; init; }

    /// <summary>Builds input i from a seed and the input's own random source.</summary>
    public required Func<Random, byte[], IReadOnlyList<byte[]>, byte[]> Mutate { get; init; }

    /// <summary>Runs the parser under test; what it returns is counted, what it throws is judged by <see cref="IsDocumented"/>.</summary>
    public required Func<byte[], FuzzOutcome> Parse { get; init; }

    /// <summary>The parser's documented failure exceptions (none by default: the parser reports failure by value).</summary>
    public Func<Exception, bool> IsDocumented { get; init; } = _ => false;

    /// <summary>False for stateful targets whose seeds are only valid in the state they were recorded in.</summary>
    public bool SeedsMustBeAccepted { get; init; } = true;

    /// <summary>Bytes the parser may allocate for an input of the given length.</summary>
    public Func<int, long> AllocationBound { get; init; } = length => 64 * 1024 + 16L * length;

    public FuzzReport Run(int shortRun)
    {
        var iterations = FuzzSettings.Iterations(shortRun);
        var seed = FuzzSettings.Seed;
        for (var i = 0; i < (SeedsMustBeAccepted ? Seeds.Count : 0); i++)
        {
            Assert.True(Parse(Seeds[i]) == FuzzOutcome.Accepted, $"{Target}: seed {i} (unmutated) is not accepted, so the fuzzing would start from garbage");
        }

        var failures = new List<string>();
        int accepted = 0, rejected = 0, documented = 0, skipped = 0, escapes = 0, overBound = 0;
        long maxAllocated = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var random = new Random(InputSeed(seed, i));
            var input = Mutate(random, Seeds[random.Next(Seeds.Count)], Seeds);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                switch (Parse(input))
                {
                    case FuzzOutcome.Accepted:
                        accepted++;
                        break;
                    case FuzzOutcome.Rejected:
                        rejected++;
                        break;
                    default:
                        skipped++;
                        break;
                }
            }
            catch (Exception ex) when (IsDocumented(ex))
            {
                documented++;
            }
            catch (Exception ex)
            {
                escapes++;
                if (failures.Count < FailuresKept)
                {
                    failures.Add(Describe(seed, i, input, ex.ToString()));
                }
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > AllocationBound(input.Length))
            {
                // The first throw of an exception type loads its resources once per process (about 100 KB): measure the
                // same input again, so the bound judges what the parser allocates, not the runtime's first-time set-up.
                allocated = MeasureAgain(input);
            }

            maxAllocated = Math.Max(maxAllocated, allocated);
            if (allocated > AllocationBound(input.Length))
            {
                overBound++;
                if (failures.Count < FailuresKept)
                {
                    failures.Add(Describe(seed, i, input, $"allocated {allocated} bytes, bound {AllocationBound(input.Length)}"));
                }
            }
        }

        var report = new FuzzReport(Target, seed, iterations, accepted, rejected, documented, skipped, escapes, overBound, maxAllocated, stopwatch.Elapsed, failures);
        Publish(report);
        Assert.True(escapes == 0 && overBound == 0, report + Environment.NewLine + string.Join(Environment.NewLine, failures));
        return report;
    }

    private long MeasureAgain(byte[] input)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Parse(input);
        }
#pragma warning disable CA1031 // Only the allocation is wanted here; the outcome was judged on the first run.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Stable across processes and platforms (string hash codes are not).</summary>
    private int InputSeed(int seed, int index)
    {
        var hash = 2166136261u;
        foreach (var c in Target)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ (uint)seed) * 16777619u;
        hash = (hash ^ (uint)index) * 16777619u;
        return (int)(hash & 0x7FFF_FFFF);
    }

    private string Describe(int seed, int index, byte[] input, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{Target} seed {seed} input {index} ({input.Length} bytes): {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 512)))}{Environment.NewLine}  {what}");

    private static void Publish(FuzzReport report)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        if (FuzzSettings.ReportPath is { } path)
        {
            lock (typeof(Fuzzer))
            {
                File.AppendAllText(path, report + Environment.NewLine, Encoding.UTF8);
            }
        }
    }
}
