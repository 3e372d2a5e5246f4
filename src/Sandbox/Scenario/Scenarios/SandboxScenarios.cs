namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>
/// The scripted cases <c>--scenario NAME</c> runs instead of the conversation. Each lives in its own file, prints what
/// happens as it happens, ends with one PASS or FAIL line and returns the exit code (0 pass, 1 fail).
/// </summary>
public static class SandboxScenarios
{
    private static readonly Dictionary<string, Func<TextWriter, SandboxOptions, CancellationToken, Task<int>>> Runs = new(StringComparer.Ordinal)
    {
        [GeminiKeyRevokedScenario.Name] = GeminiKeyRevokedScenario.RunAsync,
        [SessionLimitScenario.Name] = SessionLimitScenario.RunAsync,
        [GoAwayScenario.Name] = (output, _, cancellationToken) => GoAwayScenario.RunAsync(output, cancellationToken),
        [GeminiFlakyScenario.Name] = (output, _, cancellationToken) => GeminiFlakyScenario.RunAsync(output, cancellationToken),
        [VoiceDropScenario.Name] = async (output, options, cancellationToken) => (await VoiceDropScenario.RunAsync(output, options, cancellationToken).ConfigureAwait(false)).ExitCode,
    };

    /// <summary>The names, for the usage text and errors.</summary>
    public static string NameList => string.Join(", ", Runs.Keys.Order(StringComparer.Ordinal));

    public static bool Exists(string name) => Runs.ContainsKey(name);

    public static Task<int> RunAsync(string name, TextWriter output, SandboxOptions options, CancellationToken cancellationToken) =>
        Runs[name](TextWriter.Synchronized(output), options, cancellationToken);
}
