using Chorus.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace Chorus.Grains.Tests;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-sqlite-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SqliteGrainStorage NewStorage() => new(
        "Default", "svc", new SqliteGrainStorageOptions { DataSource = Path.Combine(_directory, "s.db") },
        new TextSerializer(), NullLogger<SqliteGrainStorage>.Instance);

    private static readonly GrainId Grain = GrainId.Create("guild-settings", "42");

    [Fact]
    public async Task Write_then_read_round_trips_and_advances_the_etag()
    {
        using var storage = NewStorage();
        var state = new FakeState<string> { State = "first" };

        await storage.WriteStateAsync("settings", Grain, state);
        var firstEtag = state.ETag;
        state.State = "second";
        await storage.WriteStateAsync("settings", Grain, state);
        var read = new FakeState<string>();
        await storage.ReadStateAsync("settings", Grain, read);

        Assert.Equal("1", firstEtag);
        Assert.Equal("2", state.ETag);
        Assert.Equal("second", read.State);
        Assert.Equal("2", read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task A_stale_etag_is_refused_and_the_stored_value_is_kept()
    {
        using var storage = NewStorage();
        var writerA = new FakeState<string> { State = "a" };
        await storage.WriteStateAsync("settings", Grain, writerA);
        var writerB = new FakeState<string>();
        await storage.ReadStateAsync("settings", Grain, writerB);
        writerA.State = "a2";
        await storage.WriteStateAsync("settings", Grain, writerA);

        writerB.State = "b";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("settings", Grain, writerB));
        var fresh = new FakeState<string>();
        await storage.ReadStateAsync("settings", Grain, fresh);
        Assert.Equal("a2", fresh.State);
    }

    [Fact]
    public async Task A_second_insert_without_etag_is_refused()
    {
        using var storage = NewStorage();
        await storage.WriteStateAsync("settings", Grain, new FakeState<string> { State = "one" });

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("settings", Grain, new FakeState<string> { State = "two" }));
    }

    [Fact]
    public async Task Clear_removes_the_record()
    {
        using var storage = NewStorage();
        var state = new FakeState<string> { State = "x" };
        await storage.WriteStateAsync("settings", Grain, state);

        await storage.ClearStateAsync("settings", Grain, state);
        var read = new FakeState<string> { State = "untouched" };
        await storage.ReadStateAsync("settings", Grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task State_names_and_service_ids_are_separate_keys()
    {
        using var storage = NewStorage();
        await storage.WriteStateAsync("settings", Grain, new FakeState<string> { State = "settings" });
        await storage.WriteStateAsync("session", Grain, new FakeState<string> { State = "session" });
        using var otherService = new SqliteGrainStorage("Default", "other-svc",
            new SqliteGrainStorageOptions { DataSource = Path.Combine(_directory, "s.db") }, new TextSerializer(), NullLogger<SqliteGrainStorage>.Instance);

        var settings = new FakeState<string>();
        var other = new FakeState<string>();
        await storage.ReadStateAsync("settings", Grain, settings);
        await otherService.ReadStateAsync("settings", Grain, other);

        Assert.Equal("settings", settings.State);
        Assert.False(other.RecordExists);
    }

    private sealed class FakeState<T> : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = default!;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    private sealed class TextSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromString((string)(object)input!);

        public T Deserialize<T>(BinaryData input) => (T)(object)input.ToString();
    }
}
