using System.Diagnostics;

namespace Chorus.LoadHarness;

/// <summary>Finds bench/NodePeer and runs <c>npm ci</c> there when its packages are missing or older than its lock file.</summary>
internal static class NodePeerInstall
{
    /// <summary>Left by a successful npm ci (the same stamp tests/Interop's build uses).</summary>
    public const string Stamp = ".chorus-npm-ci.stamp";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    public static string FindDirectory(string? given)
    {
        if (given is not null)
        {
            return Path.GetFullPath(given);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "NodePeer");
                if (File.Exists(Path.Combine(candidate, "peer.mjs")))
                {
                    return candidate;
                }
            }
        }
        throw new ArgumentException("bench/NodePeer not found above the harness or the current directory; give it with --peer-dir.");
    }

    /// <summary>False (with the reason printed) when node or npm is missing or npm ci failed.</summary>
    public static async Task<bool> EnsureInstalledAsync(string directory)
    {
        var stamp = Path.Combine(directory, "node_modules", Stamp);
        var lockFile = Path.Combine(directory, "package-lock.json");
        if (File.Exists(stamp) && File.GetLastWriteTimeUtc(stamp) >= File.GetLastWriteTimeUtc(lockFile))
        {
            return true;
        }

        Console.WriteLine($"Installing the Node peer's packages (npm ci in {directory}; @discordjs/opus compiles libopus, a minute or two)...");
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(arg);
        }

        // @discordjs/opus has no prebuilt binary offline, and node-gyp would download node's headers to build it:
        // point it at the installed ones instead when they are there.
        if (Environment.GetEnvironmentVariable("npm_config_nodedir") is null && File.Exists("/usr/include/node/node.h"))
        {
            start.Environment["npm_config_nodedir"] = "/usr";
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("npm not found: install Node.js 20 or later with npm (Debian: apt-get install nodejs npm).");
            return false;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(InstallTimeout);
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"npm ci failed (exit {process.ExitCode}):\n{await output}\n{await errors}");
                return false;
            }
        }
        await File.WriteAllTextAsync(stamp, "");
        return true;
    }
}
