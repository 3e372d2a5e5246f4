using System.Diagnostics;
using System.Globalization;

namespace Chorus.EndToEnd.Cluster;

/// <summary>
/// Debian's redis-server for the cluster, configured like docker-compose.yml's (append-only file), on a loopback port
/// that stays the same across <see cref="RestartAsync"/>, so the silos and gateways reconnect to the same address.
/// </summary>
internal sealed class ClusterRedis : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _directory;
    private ClusterProcess? _process;

    private ClusterRedis(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public ClusterProcess Process => _process ?? throw new InvalidOperationException("redis-server is not running");

    public static async Task<ClusterRedis> StartAsync(string workDirectory)
    {
        RequiredTool.Require(RequiredTool.RedisServer);
        var directory = Path.Combine(workDirectory, "redis");
        Directory.CreateDirectory(directory);
        var redis = new ClusterRedis(LoopbackPorts.Free(), directory);
        await redis.LaunchAsync();
        return redis;
    }

    /// <summary>SIGTERM (redis-server writes its append-only file and exits), then the same server again on the same port.</summary>
    public async Task RestartAsync(TimeSpan timeout)
    {
        var old = Process;
        await old.StopAsync(timeout);
        await old.DisposeAsync();
        _process = null;
        await LaunchAsync();
    }

    /// <summary>How many keys the server holds (redis-cli DBSIZE).</summary>
    public async Task<long> KeyCountAsync()
    {
        var info = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "DBSIZE" },
        };
        using var cli = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = await cli.StandardOutput.ReadToEndAsync().WaitAsync(StartTimeout);
        await cli.WaitForExitAsync().WaitAsync(StartTimeout);
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task LaunchAsync()
    {
        _process = ClusterProcess.Start("redis", RequiredTool.RedisServer,
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                "--appendfsync", "always", "--dir", _directory, "--protected-mode", "yes"],
            new Dictionary<string, string>(), _directory);
        await _process.WaitForLineAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), StartTimeout, "accepting connections");
    }
}
