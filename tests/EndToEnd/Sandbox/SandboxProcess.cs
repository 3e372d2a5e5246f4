using System.Diagnostics;
using System.Text;

namespace Chorus.EndToEnd.Sandbox;

/// <summary>The sandbox program as a newcomer runs it: its own process (server GC, its own Ctrl+C), output captured.</summary>
internal sealed class SandboxProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Lock _lock = new();
    private readonly string? _marker;
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SandboxProcess(Process process, string? marker)
    {
        _process = process;
        _marker = marker;
    }

    /// <summary>Completes once a line of standard output contains the marker given to <see cref="Start"/>.</summary>
    public Task Seen => _seen.Task;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts the sandbox program built beside the tests (the project reference copies it here).</summary>
    public static SandboxProcess Start(IEnumerable<string> args, string? marker = null)
    {
        // Through env --default-signal=INT: a test run started in the background of a non-interactive shell (nohup ...
        // &) inherits SIGINT ignored, the sandbox inherits it from the test, and .NET leaves an ignored SIGINT ignored,
        // so the Ctrl+C test's signal never arrived (the run went on to exit 0).
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Chorus.Sandbox.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var sandbox = new SandboxProcess(process, marker);
        process.OutputDataReceived += (_, e) => sandbox.Received(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => sandbox.Received(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sandbox;
    }

    /// <summary>Waits for the exit code; kills the process (and fails) if it has not ended within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the sandbox did not end within {timeout.TotalSeconds:0} s; it printed:\n{Output}\n{Error}");
        }

        // WaitForExitAsync returns once the output streams are drained too.
        return _process.ExitCode;
    }

    /// <summary>What Ctrl+C in its terminal sends it.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Received(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            (error ? _error : _output).AppendLine(line);
        }

        if (!error && _marker is not null && line.Contains(_marker, StringComparison.Ordinal))
        {
            _seen.TrySetResult();
        }
    }
}
