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
    private readonly NodeJsonLineProcess _node;

    private NodePeerProcess(NodeJsonLineProcess node) => _node = node;

    public int ProcessId => _node.Id;

    /// <summary>The Opus binding the peer loaded (@discordjs/opus or opusscript), from its started line.</summary>
    public string OpusBinding { get; private set; } = "unknown";

    public TimeSpan ProcessorTime => _node.ProcessorTime;

    /// <summary>Resident set size, read the same way as ours (<see cref="Process.WorkingSet64"/>).</summary>
    public long WorkingSet => _node.WorkingSet;

    public string RecentErrors => _node.StderrTail(10);

    public static async Task<NodePeerProcess> StartAsync(string peerDirectory, Uri geminiBaseUri, string certificateFile, bool dave, int joinParallelism)
    {
        var peer = new NodePeerProcess(NodeJsonLineProcess.Start(peerDirectory, "peer.mjs", new Dictionary<string, string>
        {
            ["PEER_GEMINI_URL"] = geminiBaseUri.ToString().TrimEnd('/'),
            ["NODE_EXTRA_CA_CERTS"] = certificateFile,
            ["PEER_DAVE"] = dave ? "1" : "0",
            ["PEER_JOIN_PARALLELISM"] = joinParallelism.ToString(CultureInfo.InvariantCulture),
        }));
        try
        {
            var started = await peer._node.WaitForAsync(events => NodeJsonLineProcess.Find(events, "started"), StartTimeout, "started line");
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
        await _node.SendAsync(string.Create(CultureInfo.InvariantCulture, $"join {index} {tlsEndpoint} {c.GuildId} {c.UserId} {c.SessionId} {c.Token}"));

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
        foreach (var arg in new[] { "-n", "-10", "-p", _node.Id.ToString(CultureInfo.InvariantCulture) })
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
    public Task MarkAsync() => _node.SendAsync("mark");

    /// <summary>Waits until every index joined or failed; returns those that joined.</summary>
    public async Task<IReadOnlyList<int>> WaitForJoinsAsync(int count, TimeSpan timeout)
    {
        await _node.WaitForAsync(
            events => events.Count(e => NodeJsonLineProcess.Is(e, "joined") || NodeJsonLineProcess.Is(e, "failed")) >= count ? events[^1] : null,
            timeout, $"{count} joined or failed lines");
        foreach (var failed in FailedJoins)
        {
            Console.Error.WriteLine(failed);
        }

        return [.. _node.Events.Where(e => NodeJsonLineProcess.Is(e, "joined")).Select(e => e.GetProperty("index").GetInt32())];
    }

    /// <summary>One line for each conversation that did not connect, with the peer's reason.</summary>
    public IEnumerable<string> FailedJoins =>
        _node.Events.Where(e => NodeJsonLineProcess.Is(e, "failed"))
            .Select(e => $"Node peer conversation {e.GetProperty("index").GetInt32()} did not connect: {e.GetProperty("message").GetString()}");

    /// <summary>The peer's own counters (frames to Gemini, turns, interruptions, DAVE decrypt failures, ...).</summary>
    public async Task<JsonElement> StatsAsync()
    {
        var before = _node.Count("stats");
        await _node.SendAsync("stats");
        return await _node.WaitForAsync(events => NodeJsonLineProcess.Find(events, "stats", skip: before), StartTimeout, "stats line");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_node.HasExited)
            {
                await _node.SendAsync("leave");
                _node.CloseInput();
                if (!await _node.WaitForExitAsync(ExitTimeout))
                {
                    Console.Error.WriteLine("The Node peer did not leave in time; killing it.");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"The Node peer did not leave cleanly ({ex.GetType().Name}); killing it.");
        }

        await _node.DisposeAsync();
    }
}
