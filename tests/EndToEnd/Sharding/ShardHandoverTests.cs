using Chorus.Discord.Gateway;
using Chorus.Gateway.Hosting;
using Chorus.Gateway.Sessions;
using Chorus.Gateway.Sharding;
using Chorus.Grains.Sessions;
using Chorus.Sandbox.Scenario;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.EndToEnd.Sharding;

/// <summary>
/// Two gateway processes' worth of bot in one test process against the emulators: the sandbox's all-in-one host (silo
/// and gateway "sandbox-gateway", SHARD_IDS=0 of 2) and a gateway-only host "gw-a" (SHARD_IDS=1, the sandbox guild's
/// shard) joined to its cluster. A conversation runs on gw-a; gw-a is stopped as SIGTERM stops it.
/// </summary>
[EndToEnd]
public sealed class ShardHandoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const long GuildKey = unchecked((long)SandboxScenario.GuildId);

    private static readonly string[] FastLeases = ["--Shards:LeaseDuration=00:00:04", "--Shards:RenewalInterval=00:00:00.5"];

    [Fact]
    public async Task A_stopping_gateway_hands_its_shard_and_live_session_to_the_other_which_resumes_the_conversation()
        => await WithSandboxLogAsync(RunAsync);

    /// <summary>Runs a handover with a three-minute bound, printing its sandbox log whatever the outcome.</summary>
    private async Task WithSandboxLogAsync(Func<SandboxLog, CancellationToken, Task> run)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var logText = new StringWriter();
        var log = new SandboxLog(TextWriter.Synchronized(logText));
        try
        {
            await run(log, cancellation.Token);
        }
        finally
        {
            output.WriteLine(logText.ToString());
        }
    }

    private async Task RunAsync(SandboxLog log, CancellationToken cancellationToken)
    {
        await using var world = await SandboxWorld.StartAsync(
            TextWriter.Null, Wait, ["--Discord:ShardCount=2", "--Discord:ShardIds=0", .. FastLeases], cancellationToken, log);
        using var gatewayA = BuildGateway(world, "gw-a", shardIds: "1", log);
        await gatewayA.StartAsync(cancellationToken);
        var shardsA = gatewayA.Services.GetRequiredService<ShardSet>();
        Assert.True(await SandboxScenario.WaitUntilAsync(() => shardsA.OwnedShardCount == 1 && shardsA.ShardsNotReady.Count == 0, Wait));

        await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait, cancellationToken: cancellationToken);
        var runnerA = gatewayA.Services.GetRequiredService<VoiceSessionRunner>();
        var grain = world.App.Services.GetRequiredService<IClusterClient>().GetGrain<IVoiceSessionGrain>(GuildKey);
        Assert.True(await SandboxScenario.WaitUntilAsync(() => runnerA.PhaseOf(GuildKey) == SessionPhase.Live, Wait));
        Assert.True(await SandboxScenario.WaitUntilAsync(() => grain.GetAsync().Result.ResumptionHandle is not null, Wait));
        var before = await grain.GetAsync();
        Assert.Equal("gw-a", before.OwnerGatewayId);
        var messagesBefore = world.Discord.ChannelMessages.Count;
        var geminiConnectionsBefore = world.Gemini!.Recording.Connections.Count;

        var stopping = TimeProvider.System.GetTimestamp();
        await gatewayA.StopAsync(cancellationToken);
        var stopTook = TimeProvider.System.GetElapsedTime(stopping);

        var runnerB = world.Runner;
        Assert.True(await SandboxScenario.WaitUntilAsync(() => runnerB.PhaseOf(GuildKey) == SessionPhase.Live, Wait));
        var after = await grain.GetAsync();
        Assert.Equal("sandbox-gateway", after.OwnerGatewayId);
        Assert.Equal(before.ChannelId, after.ChannelId);
        Assert.NotEqual(VoiceSessionState.Idle, after.State);
        Assert.False(runnerA.IsRunning(GuildKey));
        Assert.Contains(SandboxScenario.GuildId, world.Discord.VoiceEndedByReidentify.Snapshot());
        var resumed = world.Gemini.Recording.Connections.Skip(geminiConnectionsBefore).Where(c => c.ResumeHandle is not null).ToList();
        // Resumed, not refused and started afresh: the conversation keeps its context.
        Assert.Contains(resumed, c => c.ResumeHandle == before.ResumptionHandle && c.Resumed);
        // Nobody was told the bot went away, and the bot did not leave the channel.
        Assert.Equal(messagesBefore, world.Discord.ChannelMessages.Count);
        Assert.DoesNotContain(world.Discord.VoiceStateCommands.Snapshot(), c => c.GuildId == SandboxScenario.GuildId && c.ChannelId is null);

        var timeline = world.App.Services.GetRequiredService<ShardOwnership>().Timeline.Where(e => e.ShardId == 1).ToList();
        var received = Assert.Single(timeline, e => e.Change == ShardChange.Received).At;
        var ready = Assert.Single(timeline, e => e.Change == ShardChange.Ready).At;
        var back = Assert.Single(timeline, e => e.Change == ShardChange.SessionResumed).At;
        output.WriteLine($"gw-a stop (handover included) took {stopTook.TotalMilliseconds:0} ms");
        output.WriteLine($"handover: received -> shard ready {(ready - received).TotalMilliseconds:0} ms, ready -> session resumed {(back - ready).TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_replacement_started_before_the_stop_waits_as_standby_and_is_handed_the_shard_and_session_directly()
        => await WithSandboxLogAsync(RunSurgeAsync);

    private static async Task RunSurgeAsync(SandboxLog log, CancellationToken cancellationToken)
    {
        await using var world = await SandboxWorld.StartAsync(
            TextWriter.Null, Wait, ["--Discord:ShardCount=2", "--Discord:ShardIds=0", .. FastLeases], cancellationToken, log);
        using var gatewayA = BuildGateway(world, "gw-a", shardIds: "1", log);
        await gatewayA.StartAsync(cancellationToken);
        var shardsA = gatewayA.Services.GetRequiredService<ShardSet>();
        Assert.True(await SandboxScenario.WaitUntilAsync(() => shardsA.OwnedShardCount == 1 && shardsA.ShardsNotReady.Count == 0, Wait));
        await SandboxScenario.RunCommandAsync(world.Discord, "join", Wait, cancellationToken: cancellationToken);
        var runnerA = gatewayA.Services.GetRequiredService<VoiceSessionRunner>();
        Assert.True(await SandboxScenario.WaitUntilAsync(() => runnerA.PhaseOf(GuildKey) == SessionPhase.Live, Wait));

        // The replacement, same SHARD_IDS: it asks for the shard, and the owner, which prefers it too, keeps it.
        using var replacement = BuildGateway(world, "gw-a-next", shardIds: "1", log);
        await replacement.StartAsync(cancellationToken);
        var ownershipA = gatewayA.Services.GetRequiredService<ShardOwnership>();
        Assert.True(await SandboxScenario.WaitUntilAsync(
            () => ownershipA.Timeline.Any(e => e is { ShardId: 1, Change: ShardChange.Standby, Peer: "gw-a-next" }), Wait));
        var shardsNext = replacement.Services.GetRequiredService<ShardSet>();
        Assert.Equal(0, shardsNext.OwnedShardCount);
        Assert.Equal([1], ownershipA.OwnedShards);
        Assert.Empty(world.Discord.VoiceEndedByReidentify.Snapshot());

        await gatewayA.StopAsync(cancellationToken);

        var runnerNext = replacement.Services.GetRequiredService<VoiceSessionRunner>();
        Assert.True(await SandboxScenario.WaitUntilAsync(() => runnerNext.PhaseOf(GuildKey) == SessionPhase.Live, Wait));
        var grain = world.App.Services.GetRequiredService<IClusterClient>().GetGrain<IVoiceSessionGrain>(GuildKey);
        Assert.Equal("gw-a-next", (await grain.GetAsync()).OwnerGatewayId);
        Assert.False(world.Runner.IsRunning(GuildKey));
        Assert.Single(world.Discord.VoiceEndedByReidentify.Snapshot());
        Assert.Equal([1], replacement.Services.GetRequiredService<ShardOwnership>().OwnedShards);
        await replacement.StopAsync(cancellationToken);
    }

    /// <summary>A gateway-only process (as src/Gateway's Program builds it) that joins the sandbox's cluster.</summary>
    private static IHost BuildGateway(SandboxWorld world, string id, string shardIds, SandboxLog log)
    {
        var silo = world.App.Configuration;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = SandboxScenario.DiscordToken,
            ["Gemini:ApiKey"] = SandboxScenario.GeminiKey,
            ["Discord:ApiBaseUrl"] = world.Discord.ApiBaseUrl,
            ["Gemini:BaseUrl"] = world.Gemini!.BaseUri.ToString(),
            ["Voice:UseTls"] = "false",
            ["Gateway:Id"] = id,
            ["Discord:ShardCount"] = "2",
            ["Discord:ShardIds"] = shardIds,
            ["Shards:LeaseDuration"] = "00:00:04",
            ["Shards:RenewalInterval"] = "00:00:00.5",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(
            int.Parse(silo["Chorus:GatewayPort"]!, System.Globalization.CultureInfo.InvariantCulture),
            silo["Orleans:ServiceId"] ?? ChorusConfiguration.DefaultClusterIdentity,
            silo["Orleans:ClusterId"] ?? ChorusConfiguration.DefaultClusterIdentity));
        builder.Services.AddChorusGateway(builder.Configuration);
        return builder.Build();
    }
}
