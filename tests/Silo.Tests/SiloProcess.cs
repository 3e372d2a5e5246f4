namespace Chorus.Silo.Tests;

/// <summary>The real silo (or gateway) executable as a child process, with its output captured.</summary>
internal static class SiloProcess
{
    public static ChildProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartAssembly("silo", Path.Combine(AppContext.BaseDirectory, "Chorus.Silo.dll"), workingDirectory, environment, args);

    /// <summary>
    /// The gateway-only host (src/Gateway), an Orleans client of silos started elsewhere.
    /// Run from its own build output: beside this test's binaries it would miss the packages that the silo's ASP.NET
    /// Core shared framework provides to the silo but not to a plain .NET app.
    /// </summary>
    public static ChildProcess StartGateway(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartAssembly("gateway", Path.Combine(GatewayDirectory, "Chorus.Gateway.dll"), workingDirectory, environment, args);

    /// <summary>The gateway's own build output: tests/Silo.Tests/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ -> src/Gateway/bin/&lt;Configuration&gt;/&lt;tfm&gt;/.</summary>
    public static string GatewayDirectory
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "src", "Gateway", "bin", configuration, output.Name);
        }
    }

    /// <summary>Completes when ASP.NET Core reports the host started (after Orleans and the dashboard).</summary>
    public static Task WaitStartedAsync(this ChildProcess process, TimeSpan timeout) =>
        process.WaitForLineAsync(l => l.Contains("Application started", StringComparison.Ordinal), timeout, "the host to start");

    private static ChildProcess StartAssembly(string name, string assembly, string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args) =>
        ChildProcess.Start(name, "dotnet", [assembly, .. args], environment, workingDirectory);
}
