using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chorus.Interop.Dave;

/// <summary>Runs tests/Interop/node/dave-peer.mjs (a @snazzah/davey session) and exchanges one JSON line per request.</summary>
internal sealed class DaveyPeer : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private DaveyPeer(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public static DaveyPeer Start()
    {
        var nodeFolder = LocateNodeFolder();
        var start = new ProcessStartInfo("node", "dave-peer.mjs")
        {
            WorkingDirectory = nodeFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        return new DaveyPeer(process);
    }

    private static string LocateNodeFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Chorus.slnx not found above the test binaries.");
        }

        var folder = Path.Combine(dir.FullName, "tests", "Interop", "node");
        RequiredTool.RequireNodePackage(folder, "@snazzah/davey");

        return folder;
    }

    public async Task<JsonObject> RequestAsync(object request)
    {
        var line = JsonSerializer.Serialize(request);
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        var reply = await _process.StandardOutput.ReadLineAsync().WaitAsync(RequestTimeout).ConfigureAwait(false);
        if (reply is null)
        {
            string stderr;
            lock (_stderr)
            {
                stderr = _stderr.ToString();
            }

            throw new InvalidOperationException($"davey peer exited: {stderr}");
        }

        var json = JsonNode.Parse(reply)!.AsObject();
        if (json["error"] is { } error)
        {
            throw new DaveyException(error.GetValue<string>());
        }

        return json;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("{\"cmd\":\"exit\"}").ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
