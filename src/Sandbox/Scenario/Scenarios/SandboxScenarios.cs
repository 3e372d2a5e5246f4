namespace Chorus.Sandbox.Scenario.Scenarios;

/// <summary>The scripted cases <c>--scenario NAME</c> runs on the built-in emulators; each prints PASS or FAIL last.</summary>
public static class SandboxScenarios
{
    private static readonly Dictionary<string, Func<TextWriter, CancellationToken, Task<int>>> Known = new(StringComparer.Ordinal)
    {
        [GoAwayScenario.Name] = GoAwayScenario.RunAsync,
        [GeminiFlakyScenario.Name] = GeminiFlakyScenario.RunAsync,
    };

    public static IEnumerable<string> Names => Known.Keys.Order(StringComparer.Ordinal);

    public static bool Exists(string name) => Known.ContainsKey(name);

    /// <returns>0 on PASS, 1 on FAIL.</returns>
    public static Task<int> RunAsync(string name, TextWriter output, CancellationToken cancellationToken) =>
        Known[name](TextWriter.Synchronized(output), cancellationToken);
}
