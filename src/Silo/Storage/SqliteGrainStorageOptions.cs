namespace Chorus.Silo.Storage;

public sealed class SqliteGrainStorageOptions
{
    /// <summary>The database file; relative paths are resolved against the working directory.</summary>
    public string DataSource { get; set; } = "data/chorus.db";

    /// <summary>How long a write waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
