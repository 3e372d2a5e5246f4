using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Chorus.Interop.Discord;

/// <summary>Runs a script from tests/Interop/node and exposes its JSON-lines stdout as awaitable events.</summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<JsonObject> _events = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _signal = new(0);

    private NodeScript(Process process)
    {
        _process = process;
    }

    public static string NodeDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Interop", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Interop/node not found above " + AppContext.BaseDirectory);
    }

    public static NodeScript Start(string script, IReadOnlyDictionary<string, string> environment)
    {
        var directory = NodeDirectory();
        RequiredTool.RequireNodePackage(directory, "discord.js");

        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((var key, var value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var runner = new NodeScript(process);
        process.OutputDataReceived += (_, e) => runner.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                runner._stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    public string Diagnostics => "stderr: " + string.Join('\n', _stderr.TakeLast(20)) + "\nstdout events: " + string.Join('\n', _events.Select(e => e.ToJsonString()));

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        try
        {
            if (JsonNode.Parse(line) is JsonObject json)
            {
                _events.Enqueue(json);
                _signal.Release();
            }
        }
        catch (System.Text.Json.JsonException)
        {
            _stderr.Enqueue("non-JSON stdout: " + line);
        }
    }

    public async Task<JsonObject> WaitForEventAsync(string name, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var error = _events.FirstOrDefault(e => e["event"]?.GetValue<string>() == "error");
            if (error is not null)
            {
                Assert.Fail("discord.js reported an error: " + error.ToJsonString() + "\n" + Diagnostics);
            }

            var found = _events.FirstOrDefault(e => e["event"]?.GetValue<string>() == name);
            if (found is not null)
            {
                return found;
            }

            if (_process.HasExited)
            {
                Assert.Fail($"node exited with {_process.ExitCode} before '{name}'.\n{Diagnostics}");
            }

            try
            {
                await _signal.WaitAsync(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for '{name}' from discord.js.\n{Diagnostics}");
            }
        }
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
}
