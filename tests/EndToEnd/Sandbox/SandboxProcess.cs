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
    private readonly bool _interruptAtMarker;
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SandboxProcess(Process process, string? marker, bool interruptAtMarker)
    {
        _process = process;
        _marker = marker;
        _interruptAtMarker = interruptAtMarker;
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
    /// <param name="args">The sandbox's command line.</param>
    /// <param name="marker">Text whose first appearance on standard output completes <see cref="Seen"/>.</param>
    /// <param name="interruptAtMarker">
    /// Send SIGINT from the output reader the moment the marker is printed, not from the test's continuation: on a
    /// loaded machine that continuation once ran 35 s late, after the run had ended by itself (exit 0, not 130).
    /// </param>
    public static SandboxProcess Start(IEnumerable<string> args, string? marker = null, bool interruptAtMarker = false)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Chorus.Sandbox.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var sandbox = new SandboxProcess(process, marker, interruptAtMarker);
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
            if (_interruptAtMarker && !_seen.Task.IsCompleted)
            {
                using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }

            _seen.TrySetResult();
        }
    }
}
