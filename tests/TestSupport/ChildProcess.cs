using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Chorus.TestSupport;

/// <summary>
/// A program the test starts as docker-compose or systemd would (a silo, a gateway, redis-server), with its output
/// kept for assertions and the test's failure message; it can be stopped with SIGTERM or killed with SIGKILL (a crash).
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>
    /// Variables of the developer's own shell that would change what the bot does (a real token, Orleans or shard
    /// settings): removed, so the child sees only what the test gives it.
    /// </summary>
    private static readonly string[] ScrubbedVariables =
        ["CI", "DISCORD_TOKEN", "GEMINI_API_KEY", "BOT_PERSONALITY", "GEMINI_MODEL_ID", "GEMINI_VOICE_NAME", "SHARD_IDS", "SHARD_COUNT", "GATEWAY_ID"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>The process id, kept from the start (it outlives the process).</summary>
    public int Id { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>
    /// Completes with the exit code when the process ends, however it ends, once all it printed is in
    /// <see cref="Output"/>.
    /// </summary>
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
            return Lines().Count(l => l.Contains(text, StringComparison.Ordinal));
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
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
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
            .Where(k => k.StartsWith("Orleans__", StringComparison.Ordinal) || k.StartsWith("Chorus__", StringComparison.Ordinal) || ScrubbedVariables.Contains(k))
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
        var result = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        result.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = result.WatchExitAsync();
        return result;
    }

    /// <summary>The first output line (already printed or still to come) that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(match);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = Lines().FirstOrDefault(match);
            if (earlier is not null)
            {
                return Task.FromResult(earlier);
            }

            _waiters.Add((match, seen));
        }

        // A process that dies first fails the wait at once, with what it printed. Exited completes only after the last
        // line reached Append, but Append completes a waiter after it let go of the output, so the exit can be seen first
        // (once in CI): a line printed before the exit is looked for in the whole output before the wait fails.
        var died = _exited.Task.ContinueWith<string>(
            t =>
            {
                lock (_output)
                {
                    if (Lines().FirstOrDefault(match) is { } last)
                    {
                        return last;
                    }
                }

                throw new InvalidOperationException($"{Name} exited with code {t.Result} before {what}:\n{Tail(Output)}");
            },
            TaskScheduler.Default);
        return Wait.ForAsync(Task.WhenAny(seen.Task, died).Unwrap(), timeout, $"{Name}: {what}");
    }

    /// <summary>The exit code, once the process has ended by itself within <paramref name="timeout"/>.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => Wait.ForAsync(_exited.Task, timeout, $"{Name} to exit");

    /// <summary>SIGKILL: the process ends at once, as in a crash or an OOM kill; nothing of it runs again.</summary>
    public Task<int> KillHardAsync(TimeSpan timeout)
    {
        Signal(SigKill);
        return Wait.ForAsync(_exited.Task, timeout, $"{Name} to die after SIGKILL");
    }

    /// <summary>SIGTERM, as docker stop or the kubelet sends it: the process shuts down gracefully.</summary>
    public Task<int> StopAsync(TimeSpan timeout)
    {
        Terminate();
        return Wait.ForAsync(_exited.Task, timeout, $"{Name} to stop after SIGTERM");
    }

    /// <summary>SIGTERM without waiting, for a test that watches what the process prints while it stops.</summary>
    public void Terminate() => Signal(SigTerm);

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

            await _exited.Task.ConfigureAwait(false);
        }

        _process.Dispose();
    }

    /// <summary>The last lines of <paramref name="output"/>, enough to see why a process failed.</summary>
    public static string Tail(string output, int lines = 40)
    {
        ArgumentNullException.ThrowIfNull(output);
        return string.Join('\n', output.Split('\n').TakeLast(lines));
    }

    private async Task WatchExitAsync()
    {
        // WaitForExitAsync also waits for both redirected streams to end: Output is whole when Exited completes.
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _exited.TrySetResult(_process.ExitCode);
    }

    private void Signal(int signal)
    {
        if (!HasExited)
        {
            _ = Kill(Id, signal);
        }
    }

    /// <summary>The output so far, line by line (the caller holds the output's lock).</summary>
    private IEnumerable<string> Lines() => _output.ToString().Split('\n').Select(l => l.TrimEnd('\r'));

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
