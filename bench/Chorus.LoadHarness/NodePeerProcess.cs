using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chorus.Discord.Voice;

namespace Chorus.LoadHarness;

/// <summary>
/// bench/NodePeer/peer.mjs (the Node peer bot) as a child process: one process for all its conversations, as ours
/// is one gateway process. It speaks JSON lines on stdout (started, joined, failed, stats) and takes join, stats and
/// leave on stdin.
/// </summary>
internal sealed class NodePeerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _stderr = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodePeerProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;

    /// <summary>The Opus binding the peer loaded (@discordjs/opus or opusscript), from its started line.</summary>
    public string OpusBinding { get; private set; } = "unknown";

    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size, read the same way as ours (<see cref="Process.WorkingSet64"/>).</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public string RecentErrors
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _stderr.TakeLast(10));
            }
        }
    }

    public static async Task<NodePeerProcess> StartAsync(string peerDirectory, Uri geminiBaseUri, string certificateFile, bool dave, int joinParallelism)
    {
        var start = new ProcessStartInfo("node", "peer.mjs")
        {
            WorkingDirectory = peerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PEER_GEMINI_URL"] = geminiBaseUri.ToString().TrimEnd('/');
        start.Environment["NODE_EXTRA_CA_CERTS"] = certificateFile;
        start.Environment["PEER_DAVE"] = dave ? "1" : "0";
        start.Environment["PEER_JOIN_PARALLELISM"] = joinParallelism.ToString(CultureInfo.InvariantCulture);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var peer = new NodePeerProcess(process);
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => peer.OnError(e.Data);
        process.Exited += (_, _) => peer.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var started = await peer.WaitForAsync(e => Is(e, "started"), StartTimeout);
            peer.OpusBinding = started.GetProperty("opus").GetString() ?? "unknown";
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Hands the peer its credentials for conversation <paramref name="index"/>, as the gateway would, with the
    /// voice server's TLS endpoint: @discordjs/voice always connects with wss.
    /// </summary>
    public async Task JoinAsync(int index, VoiceServerCredentials c, string tlsEndpoint) =>
        await SendAsync(string.Create(CultureInfo.InvariantCulture, $"join {index} {tlsEndpoint} {c.GuildId} {c.UserId} {c.SessionId} {c.Token}"));

    /// <summary>
    /// Raises the peer's main thread to nice -10, as ours raises its pacing threads: in Node that thread runs the
    /// audio player's 20 ms cycle (and everything else). Linux with CAP_SYS_NICE; false when it could not.
    /// </summary>
    public async Task<bool> RaisePriorityAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var start = new ProcessStartInfo("renice") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-n", "-10", "-p", _process.Id.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var renice = Process.Start(start);
            if (renice is null)
            {
                return false;
            }

            await renice.WaitForExitAsync().WaitAsync(StartTimeout);
            return renice.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Opens the measuring window on the peer's side (its event loop delay histogram starts over).</summary>
    public Task MarkAsync() => SendAsync("mark");

    /// <summary>Waits until every index joined or failed; returns those that joined.</summary>
    public async Task<IReadOnlyList<int>> WaitForJoinsAsync(int count, TimeSpan timeout)
    {
        await WaitForAsync(_ => CountOutcomes() >= count, timeout);
        lock (_gate)
        {
            foreach (var failed in _events.Where(e => Is(e, "failed")))
            {
                Console.Error.WriteLine($"Node peer conversation {failed.GetProperty("index").GetInt32()} did not connect: {failed.GetProperty("message").GetString()}");
            }
            return [.. _events.Where(e => Is(e, "joined")).Select(e => e.GetProperty("index").GetInt32())];
        }
    }

    /// <summary>The peer's own counters (frames to Gemini, turns, interruptions, DAVE decrypt failures, ...).</summary>
    public async Task<JsonElement> StatsAsync()
    {
        int before;
        lock (_gate)
        {
            before = _events.Count(e => Is(e, "stats"));
        }
        await SendAsync("stats");
        await WaitForAsync(_ => CountOf("stats") > before, StartTimeout);
        lock (_gate)
        {
            return _events.Last(e => Is(e, "stats"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync("leave");
                _process.StandardInput.Close();
                await _process.WaitForExitAsync().WaitAsync(ExitTimeout);
            }
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"The Node peer did not leave cleanly ({ex.GetType().Name}); killing it.");
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    private int CountOutcomes()
    {
        lock (_gate)
        {
            return _events.Count(e => Is(e, "joined") || Is(e, "failed"));
        }
    }

    private int CountOf(string name)
    {
        lock (_gate)
        {
            return _events.Count(e => Is(e, name));
        }
    }

    private static bool Is(JsonElement e, string name) =>
        e.TryGetProperty("event", out var value) && value.GetString() == name;

    private async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (var e in _events)
                {
                    if (condition(e))
                    {
                        return e;
                    }
                }
                changed = _changed.Task;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Node peer exited with {_process.ExitCode}.\n{RecentErrors}");
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The Node peer did not answer within {timeout.TotalSeconds:0} s.\n{RecentErrors}");
            }
        }
    }

    private void OnLine(string? line)
    {
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
