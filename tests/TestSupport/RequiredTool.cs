namespace Chorus.TestSupport;

/// <summary>
/// A test that needs a program from outside the .NET SDK (node, redis-server, espeak-ng, sox, docker-compose)
/// is skipped with one line saying what to install when that program is absent, so the README's test command
/// passes on a machine with only the SDK. Under CI (<c>CI=true</c>) the same line fails the test instead: a CI
/// machine that lost a tool must not go green by skipping.
/// </summary>
public static class RequiredTool
{
    public const string Node = "node";
    public const string RedisServer = "redis-server";
    public const string EspeakNg = "espeak-ng";
    public const string Sox = "sox";
    public const string DockerCompose = "docker-compose";
    public const string Chromium = "chromium";

    private static readonly Dictionary<string, string> HowToInstall = new(StringComparer.Ordinal)
    {
        [Node] = "install Node.js 20 or later (Debian: apt-get install nodejs npm); the test build then runs npm ci in tests/Interop/node",
        [RedisServer] = "install Redis (Debian: apt-get install redis-server)",
        [EspeakNg] = "install espeak-ng (Debian: apt-get install espeak-ng)",
        [Sox] = "install SoX (Debian: apt-get install sox)",
        [DockerCompose] = "install docker-compose (Debian: apt-get install docker-compose)",
        [Chromium] = "install Chromium (Debian: apt-get install chromium)",
    };

    /// <summary>True when the environment says this is a CI run, where a missing tool is a failure.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or under CI fails) the running test unless <paramref name="program"/> is on PATH.</summary>
    public static void Require(string program)
    {
        if (!IsOnPath(program))
        {
            Missing($"needs {program} on PATH: {HowToInstall.GetValueOrDefault(program, "install it")}");
        }
    }

    /// <summary>
    /// Skips (or under CI fails) unless node is on PATH and <paramref name="package"/> is installed in
    /// tests/Interop/node (the test build installs it with npm ci when npm is present).
    /// </summary>
    public static void RequireNodePackage(string nodeDirectory, string package)
    {
        Require(Node);
        if (!Directory.Exists(Path.Combine(nodeDirectory, "node_modules", package)))
        {
            Missing($"needs the Node package {package} in {nodeDirectory}: install npm (the test build then runs npm ci there) or run npm ci in that folder");
        }
    }

    public static bool IsOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (OperatingSystem.IsWindows())
            {
                if (File.Exists(candidate + ".exe") || File.Exists(candidate + ".cmd"))
                {
                    return true;
                }
            }
            else if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return true;
            }
        }
        return false;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsExecutable(string file) =>
        (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static void Missing(string reason)
    {
        if (IsCi)
        {
            Assert.Fail($"This test {reason} (CI=true: a missing tool fails instead of skipping).");
        }

        Assert.Skip($"This test {reason}.");
    }
}
