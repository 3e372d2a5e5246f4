using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Chorus.EndToEnd.Cluster;

/// <summary>
/// One process of the cluster (a silo, a gateway or redis-server) started as docker-compose would start it, with its
/// output kept for the test's failure message; it can be killed with SIGKILL (a crash) or SIGTERM (a stop).
/// </summary>
internal sealed partial class ClusterProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClusterProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>The process id, kept from the start (it outlives the process).</summary>
    public int Id { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    public Task<int> Exited => _exited.Task;

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

    /// <summary>Notified on every output line.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>How many output lines so far contain <paramref name="text"/>.</summary>
    public int CountLines(string text)
    {
        lock (_output)
        {
            return _output.ToString().Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The processor time the process has used so far (user + system, all threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with a clean environment as far as the bot is concerned: nothing of the
    /// developer's own shell (a real token, Orleans settings) reaches the child, only <paramref name="environment"/>.
    /// </summary>
    public static ClusterProcess Start(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys
            .Where(k => k.StartsWith("Orleans__", StringComparison.Ordinal) || k.StartsWith("Chorus__", StringComparison.Ordinal)
                || k is "CI" or "DISCORD_TOKEN" or "GEMINI_API_KEY" or "BOT_PERSONALITY" or "GEMINI_MODEL_ID" or "GEMINI_VOICE_NAME" or "SHARD_IDS" or "SHARD_COUNT" or "GATEWAY_ID")
            .ToList())
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
        var result = new ClusterProcess(name, process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Exited += (_, _) => result._exited.TrySetResult(process.ExitCode);
        process.Start();
        result.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>The first output line (already printed or still to come) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
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

        // A process that dies first fails the wait at once, with what it printed.
        var died = _exited.Task.ContinueWith<string>(
            t => throw new InvalidOperationException($"{Name} exited with code {t.Result} before {what}:\n{Tail(Output)}"), TaskScheduler.Default);
        return Wait.ForAsync(Task.WhenAny(seen.Task, died).Unwrap(), timeout, $"{Name}: {what}");
    }

    /// <summary>SIGKILL: the process ends at once, as in a crash or an OOM kill; nothing of it runs again.</summary>
    public Task<int> KillHardAsync(TimeSpan timeout)
    {
        if (!HasExited)
        {
            _ = Kill(Id, SigKill);
        }

        return Wait.ForAsync(_exited.Task, timeout, $"{Name} to die after SIGKILL");
    }

    /// <summary>SIGTERM, as docker stop or the kubelet sends it: the process shuts down gracefully.</summary>
    public Task<int> StopAsync(TimeSpan timeout)
    {
        if (!HasExited)
        {
            _ = Kill(Id, SigTerm);
        }

        return Wait.ForAsync(_exited.Task, timeout, $"{Name} to stop after SIGTERM");
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended in the meantime.
            }

            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The last lines of <paramref name="output"/>, enough to see why a process failed.</summary>
    public static string Tail(string output, int lines = 40) => string.Join('\n', output.Split('\n').TakeLast(lines));

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

        Changed.Notify();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
