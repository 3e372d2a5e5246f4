using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Chorus.LoadHarness;

/// <summary>
/// A Node script as a child process that takes commands on stdin, one a line, and reports on stdout in JSON lines
/// (<c>{"event": ...}</c>), kept in order; stderr is kept for the failure messages. Shared by the load harness's
/// Node peer bot (<see cref="NodePeerProcess"/>) and the interop tests' Node peers (tests/Interop links this file).
/// </summary>
internal sealed class NodeJsonLineProcess : IAsyncDisposable
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);
    private readonly Process _process;
    private readonly string _name;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _stderr = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _outputEnded;

    private NodeJsonLineProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    /// <summary>Runs <c>node <paramref name="script"/></c> in <paramref name="directory"/> with <paramref name="environment"/> added to this process's own.</summary>
    public static NodeJsonLineProcess Start(string directory, string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var node = new NodeJsonLineProcess(script, process);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnError(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public TimeSpan ProcessorTime => _process.ProcessorTimeNow();

    /// <summary>Resident set size (<see cref="Process.WorkingSet64"/>).</summary>
    public long WorkingSet => _process.WorkingSetNow();

    /// <summary>The last <paramref name="lines"/> lines of stderr (and of stdout lines that were not JSON).</summary>
    public string StderrTail(int lines)
    {
        lock (_gate)
        {
            return string.Join('\n', _stderr.TakeLast(lines));
        }
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Ends stdin: a script that reads it sees the end (peer.mjs leaves its calls).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>How many events named <paramref name="name"/> came so far.</summary>
    public int Count(string name)
    {
        lock (_gate)
        {
            return _events.Count(e => Is(e, name));
        }
    }

    /// <summary>The events so far, in order.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>
    /// Completes with what <paramref name="find"/> returns once it returns an event: it is asked with all events so
    /// far, now and after each new one (it may throw, say on an error event, to fail the wait). Fails when the
    /// script's output ends first, or after <paramref name="timeout"/>, with <paramref name="what"/> and its stderr.
    /// </summary>
    public async Task<JsonElement> WaitForAsync(Func<IReadOnlyList<JsonElement>, JsonElement?> find, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(find);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            bool ended;
            lock (_gate)
            {
                if (find(_events) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
                ended = _outputEnded;
            }

            if (ended)
            {
                // Output ends with the process: every line it printed was seen above.
                var code = _process.WaitForExit(KillTimeout) ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";
                throw new InvalidOperationException($"{_name} exited (code {code}) before {what}.\n{StderrTail(20)}");
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"{_name} sent no {what} within {timeout.TotalSeconds:0} s. Last events: {LastEvents(10)}\n{StderrTail(20)}");
            }
        }
    }

    /// <summary>The first event named <paramref name="name"/> that <paramref name="where"/> accepts, past the first <paramref name="skip"/> such events.</summary>
    public static JsonElement? Find(IReadOnlyList<JsonElement> events, string name, Func<JsonElement, bool>? where = null, int skip = 0)
    {
        ArgumentNullException.ThrowIfNull(events);
        var seen = 0;
        foreach (var e in events)
        {
            if (Is(e, name) && (where is null || where(e)) && seen++ == skip)
            {
                return e;
            }
        }

        return null;
    }

    public static bool Is(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("event", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() == name;

    /// <summary>Kills the script if it still runs (after <see cref="CloseInput"/> or a command that ends it, if it does not end in time).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended in the meantime.
            }
        }

        using var deadline = new CancellationTokenSource(KillTimeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A child of the script still holds the output open; the script itself is gone.
        }

        _process.Dispose();
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the script to end by itself; false if it still runs.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private string LastEvents(int count)
    {
        lock (_gate)
        {
            return string.Join(' ', _events.TakeLast(count).Select(e => e.GetRawText()));
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            lock (_gate)
            {
                _outputEnded = true;
            }

            Signal();
            return;
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            lock (_gate)
            {
                _events.Add(document.RootElement.Clone());
            }
        }
        catch (JsonException)
        {
            OnError("stdout: " + line);
            return;
        }

        Signal();
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _stderr.Add(line);
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
