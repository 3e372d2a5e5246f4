using System.Diagnostics;

namespace Chorus.Sandbox.Scenario.Cluster;

/// <summary>
/// A gateway-only process, <c>dotnet Chorus.Gateway.dll</c>, as a deployment runs it: the one <c>--cluster</c> kills. A
/// real process, so that its death is what a crash is: SIGKILL, no shutdown path run, its sockets closed by the kernel.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private const string Dll = "Chorus.Gateway.dll";
    private const int KeptLines = 400;

    private readonly Process _process;
    private readonly TextWriter? _echo;
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayProcess(string name, Process process, TextWriter? echo)
    {
        Name = name;
        _process = process;
        _echo = echo;
    }

    public string Name { get; }

    public int Id { get; private set; }

    /// <summary>Completes with the exit code when the process ends, however it ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The last lines the process printed (for a failure's explanation).</summary>
    public string Tail(int count)
    {
        lock (_lines)
        {
            return string.Join('\n', _lines.TakeLast(count));
        }
    }

    /// <summary>
    /// Starts the gateway with only the settings given: nothing of the caller's environment that the bot reads (a real
    /// token, Orleans or shard settings) reaches the child.
    /// </summary>
    /// <param name="name">The gateway's name, for its printed lines.</param>
    /// <param name="dll">Chorus.Gateway.dll (<see cref="FindDll"/>).</param>
    /// <param name="args">Its command line (configuration overrides).</param>
    /// <param name="environment">Its variables: the secrets and the shard layout, as a deployment passes them.</param>
    /// <param name="workingDirectory">Where it runs (no .env there).</param>
    /// <param name="echo">Where to print the process's lines as they come (<c>--verbose</c>), prefixed with its name.</param>
    public static GatewayProcess Start(
        string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory, TextWriter? echo)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(IsBotSetting).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new GatewayProcess(name, process, echo);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Exited += (_, _) => result._exited.TrySetResult(process.ExitCode);
        process.Start();
        result.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>SIGKILL: the process ends at once, mid-whatever it was doing.</summary>
    public void Kill()
    {
        if (!_exited.Task.IsCompleted)
        {
            try
            {
                // On Unix Process.Kill is SIGKILL; the gateway starts no children of its own.
                _process.Kill(entireProcessTree: false);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own meanwhile.
            }
        }
    }

    /// <summary>
    /// Where the gateway's build output is: the gateway project's own output folder (what <c>dotnet build</c> of the
    /// sandbox builds through its project reference), else the folder this program runs from, where the reference's
    /// files are copied. Returns null when neither has it.
    /// </summary>
    public static string? FindDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        // bin/<Configuration>/<TargetFramework>: the gateway's output sits at the same place under src/Gateway.
        var framework = output.Name;
        var configuration = output.Parent?.Name;
        for (var folder = output; folder is not null && configuration is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Chorus.slnx")))
            {
                var own = Path.Combine(folder.FullName, "src", "Gateway", "bin", configuration, framework, Dll);
                if (IsRunnable(own))
                {
                    return own;
                }

                break;
            }
        }

        var beside = Path.Combine(output.FullName, Dll);
        return IsRunnable(beside) ? beside : null;
    }

    private static bool IsRunnable(string dll) =>
        File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, null) + ".runtimeconfig.json");

    private static bool IsBotSetting(string key) =>
        key.StartsWith("Orleans__", StringComparison.Ordinal) || key.StartsWith("Chorus__", StringComparison.Ordinal)
        || key.StartsWith("Discord__", StringComparison.Ordinal) || key.StartsWith("Gemini__", StringComparison.Ordinal)
        || key.StartsWith("Shards__", StringComparison.Ordinal)
        || key is "DISCORD_TOKEN" or "GEMINI_API_KEY" or "BOT_PERSONALITY" or "GEMINI_MODEL_ID" or "GEMINI_VOICE_NAME"
            or "SHARD_IDS" or "SHARD_COUNT" or "GATEWAY_ID";

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }

        _echo?.WriteLine($"{"",9}{Name} | {line}");
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await ((Task)_exited.Task).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }
}
