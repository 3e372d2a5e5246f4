using System.Diagnostics;
using System.Text.Json;

namespace Chorus.Interop.Voice;

/// <summary>Runs tests/Interop/node/voice-peer.mjs (@discordjs/voice) as a child process and follows its JSON status lines.</summary>
internal sealed class NodeVoicePeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly Lock _gate = new();
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly Dictionary<string, int> _taken = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeVoicePeer(Process process) => _process = process;

    /// <summary>tests/Interop/node with @discordjs/voice installed; skips the test (fails under CI) when node or the package is absent.</summary>
    public static string FindNodeDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Interop", "node");
            if (File.Exists(Path.Combine(candidate, "voice-peer.mjs")))
            {
                RequiredTool.RequireNodePackage(candidate, "@discordjs/voice");
                return candidate;
            }
        }
        throw new InvalidOperationException("tests/Interop/node not found above " + AppContext.BaseDirectory);
    }

    public static NodeVoicePeer Start(string nodeDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", "voice-peer.mjs")
        {
            WorkingDirectory = nodeDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var peer = new NodeVoicePeer(process);
        process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._gate)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => peer.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for a status line with <c>event == name</c> (and <paramref name="where"/>); fails early if the process exits without it.</summary>
    public Task<JsonElement> WaitForEventAsync(string name, TimeSpan timeout, Func<JsonElement, bool>? where = null) =>
        WaitAsync(name, timeout, skip: 0, where ?? (_ => true));

    /// <summary>The next <paramref name="name"/> event not returned by this method before (one per command such as "play").</summary>
    public async Task<JsonElement> NextEventAsync(string name, TimeSpan timeout)
    {
        int skip;
        lock (_gate)
        {
            skip = _taken.GetValueOrDefault(name);
        }

        var found = await WaitAsync(name, timeout, skip, _ => true);
        lock (_gate)
        {
            _taken[name] = skip + 1;
        }

        return found;
    }

    public int CountEvents(string name)
    {
        lock (_gate)
        {
            return _events.Count(e => e.GetProperty("event").GetString() == name);
        }
    }

    /// <summary>davey's view once the transition into <paramref name="epoch"/> executed.</summary>
    public async Task<NodeDaveTransition> WaitForEpochAsync(ulong epoch, TimeSpan timeout)
    {
        var e = await WaitForEventAsync("transitioned", timeout, e =>
            e.GetProperty("epoch").ValueKind == JsonValueKind.Number && e.GetProperty("epoch").GetUInt64() == epoch);
        return new NodeDaveTransition(
            e.GetProperty("transitionId").GetInt32(),
            epoch,
            e.GetProperty("privacyCode").GetString(),
            [.. e.GetProperty("members").EnumerateArray().Select(m => ulong.Parse(m.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Order()]);
    }

    /// <summary>davey's decryption stats for the listened user at the last dump (null without DAVE).</summary>
    public (long Successes, long Failures)? LastDecryption { get; private set; }

    /// <summary>Writes what the peer heard since the last dump to <paramref name="file"/> and returns it (48 kHz mono).</summary>
    public async Task<short[]> DumpHeardAsync(string file, TimeSpan timeout)
    {
        await SendAsync($"dump {file}");
        var dumped = await NextEventAsync("dumped", timeout);
        var decryption = dumped.GetProperty("decryption");
        LastDecryption = decryption.ValueKind == JsonValueKind.Object
            ? (decryption.GetProperty("successes").GetInt64(), decryption.GetProperty("failures").GetInt64())
            : null;
        var raw = await File.ReadAllBytesAsync(file);
        var samples = new short[raw.Length / 2];
        Buffer.BlockCopy(raw, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    private async Task<JsonElement> WaitAsync(string name, TimeSpan timeout, int skip, Func<JsonElement, bool> where)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var seen = 0;
                foreach (var e in _events)
                {
                    var kind = e.GetProperty("event").GetString();
                    if (kind == "error")
                    {
                        throw new InvalidOperationException($"node peer error: {e}\n{_stderr}");
                    }

                    if (kind == name && where(e) && seen++ == skip)
                    {
                        return e;
                    }
                }
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"node peer exited ({_process.ExitCode}) before '{name}'.\n{_stderr}");
                }

                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"node peer sent no '{name}' in {timeout}. Events: {Events}\n{Stderr}");
            }
        }
    }

    private string Events
    {
        get
        {
            lock (_gate)
            {
                return string.Join(' ', _events.Select(e => e.GetRawText()));
            }
        }
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line) || line[0] != '{')
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            lock (_gate)
            {
                _events.Add(doc.RootElement.Clone());
            }
        }
        catch (JsonException)
        {
            return;
        }
        Signal();
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
            }
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        _process.Dispose();
    }
}
