using System.Diagnostics;

namespace Chorus.TestSupport;

/// <summary>
/// A private redis-server on a free loopback port for the life of a test class. When redis-server is not
/// installed the fixture starts nothing and each test that asks for the server is skipped (failed under CI)
/// through <see cref="RequiredTool"/>.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _directory;

    private int _port;

    public int Port
    {
        get
        {
            RequiredTool.Require(RequiredTool.RedisServer);
            return _port;
        }
    }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async ValueTask InitializeAsync()
    {
        if (!RequiredTool.IsOnPath(RequiredTool.RedisServer))
        {
            return;
        }

        _port = LoopbackPorts.Free();
        _directory = Directory.CreateTempSubdirectory("chorus-redis-").FullName;
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", _directory, "--protected-mode", "yes" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(RequiredTool.RedisServer + " is on PATH but did not start.", ex);
        }
        var process = _process;
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, line) =>
        {
            // redis-server logs this line once its listening socket is open.
            if (line.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                _ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"redis-server exited with code {process.ExitCode}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Wait.ForAsync(_ready.Task, TimeSpan.FromSeconds(20), $"redis-server to accept connections on port {_port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
