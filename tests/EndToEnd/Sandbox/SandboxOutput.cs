using System.Text.RegularExpressions;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>What a sandbox run's output must never show a newcomer, and a writer that says when a line appeared.</summary>
internal static partial class SandboxOutput
{
    /// <summary>Fails with the offending line when the output carries a warning, an error or a stack trace.</summary>
    public static void AssertClean(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            Assert.False(Noise().IsMatch(line), $"the sandbox printed: {line}");
        }
    }

    /// <summary>Fails with the offending line when the output carries an exception or a stack trace.</summary>
    public static void AssertNoStackTrace(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            Assert.False(StackTrace().IsMatch(line), $"the sandbox printed: {line}");
        }
    }

    // A frame, the seam between async parts, the runtime's last words, or an exception's ToString() first line.
    [GeneratedRegex(@"^\s+at \S+\(|--- End of|Unhandled exception|^[\w.]+Exception\b")]
    private static partial Regex StackTrace();

    // Log levels as the console logger and ours print them, exception type names, and stack frames.
    [GeneratedRegex(@"\b(warn|fail|crit|warning|error|exception)\b|Exception\b|^\s+at \S+\(|--- End of", RegexOptions.IgnoreCase)]
    private static partial Regex Noise();
}

/// <summary>Collects what is written and completes <see cref="Seen"/> once a line containing a marker appears.</summary>
internal sealed class SignallingWriter(string marker) : StringWriter
{
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Seen => _seen.Task;

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value?.Contains(marker, StringComparison.Ordinal) == true)
        {
            _seen.TrySetResult();
        }
    }
}

/// <summary>Whole sandbox runs, one at a time: each is a bot and three emulators on a 2-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class SandboxRuns
{
    public const string Name = "sandbox runs";
}
