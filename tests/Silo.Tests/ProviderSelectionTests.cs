using Chorus.Grains.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Chorus.Silo.Tests;

/// <summary>
/// The real silo executable, restarted between a write and a read, with providers picked the way an
/// operator picks them: nothing set (embedded SQLite) or Orleans' own configuration keys (Redis).
/// </summary>
[EndToEnd]
public sealed class ProviderSelectionTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-providers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Embedded_default_keeps_a_persona_in_sqlite_across_a_process_restart()
    {
        var gatewayPort = LoopbackPorts.Free();
        var environment = new Dictionary<string, string>();
        string[] args =
        [
            // The silo serves its health endpoints on the dashboard's port even with the dashboard off: never the default 8088.
            "--Chorus:Mode=Silo", "--Dashboard:Enabled=false", $"--Dashboard:Port={LoopbackPorts.Free()}", $"--Chorus:SiloPort={LoopbackPorts.Free()}",
            $"--Chorus:GatewayPort={gatewayPort}", $"--Storage:Sqlite:DataSource={Path.Combine(_directory, "bot.db")}",
        ];

        await AssertPersonaSurvivesRestartAsync(environment, args, client => client.UseLocalhostClustering(gatewayPort, "chorus", "chorus"));

        Assert.True(File.Exists(Path.Combine(_directory, "bot.db")));
    }

    [Fact]
    public async Task Redis_chosen_by_orleans_configuration_keys_keeps_a_persona_across_a_process_restart()
    {
        var serviceId = "svc-" + Guid.NewGuid().ToString("N")[..8];
        var environment = RedisEnvironment(serviceId);
        environment["Orleans__Reminders__ProviderType"] = "Redis";
        environment["Orleans__Reminders__ConnectionString"] = redis.ConnectionString;

        await AssertPersonaSurvivesRestartAsync(environment, ["--Chorus:Mode=Silo", "--Dashboard:Enabled=false", $"--Dashboard:Port={LoopbackPorts.Free()}"], client =>
        {
            client.UseRedisClustering(redis.ConnectionString);
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, "test"));
        });

        Assert.DoesNotContain(Path.Combine(_directory, "data"), Directory.GetDirectories(_directory));
    }

    /// <summary>
    /// A voice session's record holds two counters that start as one shared instance (<c>SessionUsage.Zero</c>):
    /// stored by Redis with Newtonsoft's reference tracking, it was written as a reference that could not be read back
    /// ("Error reading object reference"), so a session grain never reactivated after its silo was lost
    /// (tests/EndToEnd/Cluster).
    /// </summary>
    [Fact]
    public async Task Redis_keeps_a_voice_session_record_across_a_process_restart()
    {
        var serviceId = "svc-" + Guid.NewGuid().ToString("N")[..8];
        var environment = RedisEnvironment(serviceId);
        // Health endpoints bind beside the dashboard even when it is off: a free port, not 8088 that others may hold.
        string[] args = ["--Chorus:Mode=Silo", "--Dashboard:Enabled=false", $"--Dashboard:Port={LoopbackPorts.Free()}"];
        Action<IClientBuilder> clustering = client =>
        {
            client.UseRedisClustering(redis.ConnectionString);
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, "test"));
        };
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);
        await using (var first = SiloProcess.Start(_directory, environment, args))
        {
            await first.WaitStartedAsync(Timeout);
            await WithClientAsync(clustering, async client =>
            {
                var joined = await client.GetGrain<Chorus.Grains.Sessions.IVoiceSessionGrain>(guildId)
                    .JoinAsync(new Chorus.Grains.Sessions.JoinRequest(4242, "gw-restart", 7));
                Assert.True(joined.Accepted, joined.Error);
                // In a guild's first session the session's counters and the lifetime counters are equal records.
                var recorded = await client.GetGrain<Chorus.Grains.Sessions.IVoiceSessionGrain>(guildId)
                    .RecordStatsAsync("gw-restart", new Chorus.Grains.Sessions.SessionUsage(Turns: 3, AudioSecondsIn: 1.5), null);
                Assert.True(recorded.Owned, recorded.Error);
            });
            Assert.Equal(0, await first.StopAsync(Timeout));
        }

        await using var second = SiloProcess.Start(_directory, environment, args);
        await second.WaitStartedAsync(Timeout);
        Chorus.Grains.Sessions.VoiceSessionSnapshot? read = null;
        await WithClientAsync(clustering, async client => read = await client.GetGrain<Chorus.Grains.Sessions.IVoiceSessionGrain>(guildId).GetAsync());
        Assert.Equal(0, await second.StopAsync(Timeout));
        Assert.Equal(4242UL, read!.ChannelId);
        Assert.Equal("gw-restart", read.OwnerGatewayId);
        Assert.Equal(3, read.Lifetime.Turns);
    }

    /// <summary>A silo of cluster <paramref name="serviceId"/>/test on the test's redis-server, for membership and grain state, on free loopback ports.</summary>
    private Dictionary<string, string> RedisEnvironment(string serviceId) => new()
    {
        ["Orleans__ServiceId"] = serviceId,
        ["Orleans__ClusterId"] = "test",
        ["Orleans__Clustering__ProviderType"] = "Redis",
        ["Orleans__Clustering__ConnectionString"] = redis.ConnectionString,
        ["Orleans__GrainStorage__Default__ProviderType"] = "Redis",
        ["Orleans__GrainStorage__Default__ConnectionString"] = redis.ConnectionString,
        ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
        ["Orleans__Endpoints__SiloPort"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Orleans__Endpoints__GatewayPort"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task AssertPersonaSurvivesRestartAsync(
        Dictionary<string, string> environment, string[] args, Action<IClientBuilder> clustering)
    {
        var guildId = Random.Shared.NextInt64(1, long.MaxValue);

        await using (var first = SiloProcess.Start(_directory, environment, args))
        {
            await first.WaitStartedAsync(Timeout);
            await WithClientAsync(clustering, async client =>
            {
                var set = await client.GetGrain<IGuildSettingsGrain>(guildId).SetPersonaAsync("Persisted across processes", 31);
                Assert.True(set.Succeeded, set.Error);
            });
            Assert.Equal(0, await first.StopAsync(Timeout));
        }

        await using var second = SiloProcess.Start(_directory, environment, args);
        await second.WaitStartedAsync(Timeout);
        GuildSettings? read = null;
        await WithClientAsync(clustering, async client => read = await client.GetGrain<IGuildSettingsGrain>(guildId).GetAsync());
        Assert.Equal(0, await second.StopAsync(Timeout));

        Assert.Equal("Persisted across processes", read!.Persona);
        Assert.Equal(31UL, read.ChangedBy);
    }

    private static async Task WithClientAsync(Action<IClientBuilder> clustering, Func<IClusterClient, Task> use)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(clustering);
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Timeout);
        try
        {
            await use(host.Services.GetRequiredService<IClusterClient>());
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }
}
