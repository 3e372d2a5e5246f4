using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Chorus.Silo.Tests;

/// <summary>The real silo (or gateway) executable as a child process, with its output captured.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private SiloProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public static SiloProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartAssembly("Chorus.Silo.dll", workingDirectory, environment, args);

    /// <summary>
    /// The gateway-only host (src/Gateway), an Orleans client of silos started elsewhere.
    /// Run from its own build output: beside this test's binaries it would miss the packages that the silo's ASP.NET
    /// Core shared framework provides to the silo but not to a plain .NET app.
    /// </summary>
    public static SiloProcess StartGateway(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartAssembly(Path.Combine(GatewayDirectory, "Chorus.Gateway.dll"), workingDirectory, environment, args);

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

    private static SiloProcess StartAssembly(string assembly, string workingDirectory, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, assembly);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(silo);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // A clean slate: nothing from the developer's own shell (a real token, say) leaks into the child.
        foreach (var name in new[] { "DISCORD_TOKEN", "GEMINI_API_KEY", "BOT_PERSONALITY", "GEMINI_MODEL_ID", "GEMINI_VOICE_NAME" })
        {
            info.Environment.Remove(name);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Orleans__", StringComparison.Ordinal) || k == "CI").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Exited += (_, _) => result._started.TrySetException(
            new InvalidOperationException("The silo exited before it started:\n" + result.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Completes when ASP.NET Core reports the host started (after Orleans and the dashboard).</summary>
    public Task WaitStartedAsync(TimeSpan timeout) => _started.Task.WaitAsync(timeout);

    /// <summary>The first output line (already printed or still to come) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = _output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (earlier is not null)
            {
                return Task.FromResult(earlier);
            }

            _waiters.Add((match, seen));
        }
        return seen.Task.WaitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as docker stop or systemd would send: the host shuts down gracefully.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
        }

        return await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched;
        lock (_output)
        {
            _output.AppendLine(line);
            matched = _waiters.Where(w => w.Match(line)).Select(w => w.Seen).ToList();
            _waiters.RemoveAll(w => matched.Contains(w.Seen));
        }

        foreach (var seen in matched)
        {
            seen.TrySetResult(line);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    /// <summary>SIGTERM without waiting, for a test that watches what the process prints while it stops.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
