using Chorus.Discord.Gateway;
using Chorus.Discord.Rest;
using Chorus.Emulators.Discord;
using Chorus.Gateway.Sharding;
using Chorus.Gateway.Tests.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Gateway.Tests.Sharding;

/// <summary>
/// Two gateway processes' shard sets start at the same moment against a Discord emulator that enforces one identify
/// per bucket per interval (op 9 otherwise), as Discord does.
/// </summary>
[EndToEnd]
public sealed class ClusterIdentifyGateTests(CommandClusterFixture fixture) : IClassFixture<CommandClusterFixture>
{
    // Discord's 5 s is scaled down to keep the test short; the gate adds the same transit margin as in production.
    private static readonly TimeSpan BucketInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GateInterval = BucketInterval + ClusterIdentifyGate.TransitMargin;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_processes_sharing_the_cluster_queue_never_identify_too_soon()
    {
        await using var emulator = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions { IdentifyInterval = BucketInterval });
        using var http = new HttpClient();
        var rest = new DiscordRestClient(http, new DiscordRestOptions { Token = emulator.Options.Token, ApiBaseUrl = emulator.ApiBaseUrl });
        IIdentifyGate Gate(IdentifyLimits limits) =>
            new ClusterIdentifyGate(fixture.Cluster.Client, limits, TimeProvider.System, NullLogger.Instance, GateInterval);
        await using var first = new ShardSet(Options(emulator, [0, 1], Gate), rest);
        await using var second = new ShardSet(Options(emulator, [2, 3], Gate), rest);

        await Task.WhenAll(first.StartAsync(), second.StartAsync()).WaitAsync(Timeout);

        Assert.Empty(emulator.IdentifiesTooSoon.Snapshot());
        var identifies = emulator.Identifies.Snapshot().OrderBy(i => i.At).ToList();
        Assert.Equal([0, 1, 2, 3], identifies.Select(i => i.ShardId).Order());
        for (var i = 1; i < identifies.Count; i++)
        {
            Assert.True(identifies[i].At - identifies[i - 1].At >= BucketInterval, $"identifies {i - 1} and {i} came {identifies[i].At - identifies[i - 1].At} apart");
        }
    }

    [Fact]
    public async Task Two_processes_each_with_its_own_gate_break_the_rule_the_emulator_enforces()
    {
        // The failure the shared queue prevents: each process spaces its own shards, not the other's.
        await using var emulator = await DiscordEmulator.StartAsync(new DiscordEmulatorOptions { IdentifyInterval = BucketInterval });
        using var http = new HttpClient();
        var rest = new DiscordRestClient(http, new DiscordRestOptions { Token = emulator.Options.Token, ApiBaseUrl = emulator.ApiBaseUrl });
        IIdentifyGate Gate(IdentifyLimits limits) => new IdentifyGate(limits.MaxConcurrency, TimeProvider.System, GateInterval);
        await using var first = new ShardSet(Options(emulator, [0, 1], Gate), rest);
        await using var second = new ShardSet(Options(emulator, [2, 3], Gate), rest);

        _ = first.StartAsync();
        _ = second.StartAsync();

        await emulator.IdentifiesTooSoon.WaitForAsync(_ => true, Timeout);
    }

    private static ShardSetOptions Options(DiscordEmulator emulator, IReadOnlyList<int> ids, Func<IdentifyLimits, IIdentifyGate> gate) => new()
    {
        Token = emulator.Options.Token,
        ShardIds = ids,
        ShardCount = 4,
        GatewayUrl = emulator.GatewayUrl,
        IdentifyGateFactory = gate,
    };
}
