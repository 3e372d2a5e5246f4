using System.Text.Json.Nodes;
using Chorus.LoadHarness;

namespace Chorus.Interop.Discord;

/// <summary>Runs a script from tests/Interop/node and exposes its JSON-lines stdout as awaitable events.</summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private readonly NodeJsonLineProcess _node;

    private NodeScript(NodeJsonLineProcess node) => _node = node;

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
        return new NodeScript(NodeJsonLineProcess.Start(directory, script, environment));
    }

    /// <summary>The first event named <paramref name="name"/>; an "error" line from discord.js fails the wait.</summary>
    public async Task<JsonObject> WaitForEventAsync(string name, TimeSpan timeout)
    {
        var found = await _node.WaitForAsync(
            events => NodeJsonLineProcess.Find(events, "error") is { } error
                ? throw new InvalidOperationException($"discord.js reported an error: {error.GetRawText()}\n{_node.StderrTail(20)}")
                : NodeJsonLineProcess.Find(events, name),
            timeout, $"'{name}' from discord.js");
        return JsonNode.Parse(found.GetRawText())!.AsObject();
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
