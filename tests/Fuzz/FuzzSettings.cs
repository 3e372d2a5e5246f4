using System.Globalization;

namespace Chorus.Fuzz;

/// <summary>
/// How much to fuzz. The normal test run uses each target's short count with the fixed seed (a few seconds per
/// parser); <c>CHORUS_FUZZ_ITERATIONS=100000</c> is the long run, <c>CHORUS_FUZZ_SEED</c> explores other inputs, and
/// <c>CHORUS_FUZZ_REPORT=path</c> appends one line per target (inputs, outcomes, escapes, allocation) to that file.
/// </summary>
internal static class FuzzSettings
{
    public const string IterationsVariable = "CHORUS_FUZZ_ITERATIONS";
    public const string SeedVariable = "CHORUS_FUZZ_SEED";
    public const string ReportVariable = "CHORUS_FUZZ_REPORT";
    public const int DefaultSeed = 20260;

    public static int Iterations(int shortRun)
    {
        var text = Environment.GetEnvironmentVariable(IterationsVariable);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : shortRun;
    }

    public static int Seed
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(SeedVariable);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : DefaultSeed;
        }
    }

    public static string? ReportPath => Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path ? path : null;
}
