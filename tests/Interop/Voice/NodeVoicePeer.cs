using System.Text.Json;
using Chorus.LoadHarness;

namespace Chorus.Interop.Voice;

/// <summary>Runs tests/Interop/node/voice-peer.mjs (@discordjs/voice) as a child process and follows its JSON status lines.</summary>
internal sealed class NodeVoicePeer : IAsyncDisposable
{
    private readonly NodeJsonLineProcess _node;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _taken = [];

    private NodeVoicePeer(NodeJsonLineProcess node) => _node = node;

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

    public static NodeVoicePeer Start(string nodeDirectory, IReadOnlyDictionary<string, string> environment) =>
        new(NodeJsonLineProcess.Start(nodeDirectory, "voice-peer.mjs", environment));

    public string Stderr => _node.StderrTail(int.MaxValue);

    public Task SendAsync(string line) => _node.SendAsync(line);

    /// <summary>Waits for a status line with <c>event == name</c> (and <paramref name="where"/>); fails early if the process exits without it.</summary>
    public Task<JsonElement> WaitForEventAsync(string name, TimeSpan timeout, Func<JsonElement, bool>? where = null) =>
        WaitAsync(name, timeout, skip: 0, where);

    /// <summary>The next <paramref name="name"/> event not returned by this method before (one per command such as "play").</summary>
    public async Task<JsonElement> NextEventAsync(string name, TimeSpan timeout)
    {
        int skip;
        lock (_gate)
        {
            skip = _taken.GetValueOrDefault(name);
        }

        var found = await WaitAsync(name, timeout, skip, where: null);
        lock (_gate)
        {
            _taken[name] = skip + 1;
        }

        return found;
    }

    public int CountEvents(string name) => _node.Count(name);

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

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    /// <summary>Any "error" line the peer printed fails the wait, whatever it waits for.</summary>
    private Task<JsonElement> WaitAsync(string name, TimeSpan timeout, int skip, Func<JsonElement, bool>? where) =>
        _node.WaitForAsync(
            events => NodeJsonLineProcess.Find(events, "error") is { } error
                ? throw new InvalidOperationException($"node peer error: {error}\n{Stderr}")
                : NodeJsonLineProcess.Find(events, name, where, skip),
            timeout, $"'{name}'");
}
