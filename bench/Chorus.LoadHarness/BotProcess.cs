using System.Diagnostics;

namespace Chorus.LoadHarness;

/// <summary>
/// One of the bot's own processes (the all-in-one host, a silo or a gateway) started from the build output, as an
/// operator would start it; the harness reads its processor time and working set from outside.
/// </summary>
internal sealed class BotProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private BotProcess(string name, Process process, int? shard)
    {
        Name = name;
        _process = process;
        Shard = shard;
    }

    public string Name { get; }

    /// <summary>The one shard a gateway process serves; null for a host that serves them all (all-in-one) or none (silo).</summary>
    public int? Shard { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>User + system time of every thread so far.</summary>
    public TimeSpan ProcessorTime => _process.ProcessorTimeNow();

    public long WorkingSet => _process.WorkingSetNow();

    /// <summary>The last lines the process printed, for the message when it fails to start.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet <paramref name="assembly"/></c>. Nothing of the caller's shell that the bot reads (a real token,
    /// Orleans or Chorus settings) reaches the child: only <paramref name="environment"/>.
    /// </summary>
    public static BotProcess Start(
        string name, string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory,
        int? shard = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys
            .Where(k => k.StartsWith("Orleans__", StringComparison.Ordinal) || k.StartsWith("Chorus__", StringComparison.Ordinal)
                || k is "DISCORD_TOKEN" or "GEMINI_API_KEY" or "BOT_PERSONALITY" or "GEMINI_MODEL_ID" or "GEMINI_VOICE_NAME" or "SHARD_IDS"
                    or "SHARD_COUNT" or "GATEWAY_ID")
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

        var process = new Process { StartInfo = info };
        var result = new BotProcess(name, process, shard);
        process.OutputDataReceived += (_, e) => result.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => result.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Polls <paramref name="healthUrl"/> until it answers 200 (the host is up and, for a gateway, its shards READY).</summary>
    public async Task WaitHealthyAsync(Uri healthUrl, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Tail}");
            }

            try
            {
                using var response = await http.GetAsync(healthUrl, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{Name} was not healthy within {timeout.TotalSeconds:0} s:\n{Tail}");
            }

            try
            {
                await Task.Delay(250, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name} was not healthy within {timeout.TotalSeconds:0} s:\n{Tail}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended in the meantime.
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
