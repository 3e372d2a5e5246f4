using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;
using Chorus.Silo.Storage;

namespace Chorus.Grains.Tests;

/// <summary>
/// A persona and a session must survive the silo going away. Each test stops the whole cluster and
/// starts a new one (same ServiceId, same storage) before reading.
/// </summary>
[EndToEnd]
public sealed class PersistenceAcrossRestartTests
{
    [Fact]
    public async Task Settings_and_session_survive_a_restart_with_sqlite_storage()
    {
        var directory = Directory.CreateTempSubdirectory("chorus-sqlite-").FullName;
        try
        {
            var dataSource = Path.Combine(directory, "bot.db");
            void Storage(ISiloBuilder silo) => silo.AddSqliteGrainStorage("Default", o => o.DataSource = dataSource);
            await AssertSurvivesRestartAsync(Storage, settings: null);
            Assert.True(File.Exists(dataSource));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static async Task AssertSurvivesRestartAsync(Action<ISiloBuilder> storage, IReadOnlyDictionary<string, string?>? settings)
    {
        var serviceId = "restart-" + Guid.NewGuid().ToString("N");
        var guildId = TestClusters.NewGuildId();

        await using (var first = await TestClusters.StartAsync(storage, serviceId, settings: settings))
        {
            var set = await first.Client.GetGrain<IGuildSettingsGrain>(guildId).SetPersonaAsync("Survivor persona", 77);
            Assert.True(set.Succeeded, set.Error);
            var session = first.Client.GetGrain<IVoiceSessionGrain>(guildId);
            await session.JoinAsync(new JoinRequest(555, "gw-before", 77));
            await session.RecordResumptionHandleAsync("gw-before", "handle-before-restart");
            await first.StopAllSilosAsync();
        }

        await using var second = await TestClusters.StartAsync(storage, serviceId, settings: settings);
        var persona = await second.Client.GetGrain<IGuildSettingsGrain>(guildId).GetAsync();
        var snapshot = await second.Client.GetGrain<IVoiceSessionGrain>(guildId).GetAsync();

        Assert.Equal("Survivor persona", persona.Persona);
        Assert.Equal(77UL, persona.ChangedBy);
        Assert.Equal(555UL, snapshot.ChannelId);
        Assert.Equal("gw-before", snapshot.OwnerGatewayId);
        Assert.Equal("handle-before-restart", snapshot.ResumptionHandle);
    }
}
