using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace Chorus.Silo.Storage;

/// <summary>
/// Durable grain state in one embedded SQLite file, so a single-process bot keeps its personas across
/// restarts with no server to install. Orleans ships no local durable provider, and its own SQLite
/// scripts are not in the packages, so this is our own small schema. Writes are optimistic: each row
/// carries an ETag (a version counter) and a write whose ETag does not match is refused.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly string _name;
    private readonly string _serviceId;
    private readonly string _connectionString;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger<SqliteGrainStorage> _logger;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public SqliteGrainStorage(
        string name, string serviceId, SqliteGrainStorageOptions options,
        IGrainStorageSerializer serializer, ILogger<SqliteGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _serviceId = serviceId;
        _serializer = serializer;
        _logger = logger;
        var path = Path.GetFullPath(options.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
            Pooling = true,
        }.ToString();
        DatabasePath = path;
    }

    public string DatabasePath { get; }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT version, payload FROM grain_state WHERE service_id = $service AND grain_id = $grain AND state_name = $state";
        AddKey(command, stateName, grainId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.State = EmptyState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var etag = reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var payload = (byte[])reader.GetValue(1);
        try
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Storage {Name}: state {State} of {Grain} cannot be read", _name, stateName, grainId);
            throw;
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        AddKey(command, stateName, grainId);
        command.Parameters.AddWithValue("$payload", payload);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
        long newVersion;
        if (grainState.ETag is null)
        {
            newVersion = 1;
            command.CommandText =
                "INSERT INTO grain_state (service_id, grain_id, state_name, version, payload, modified_at) " +
                "VALUES ($service, $grain, $state, 1, $payload, $now) ON CONFLICT DO NOTHING";
        }
        else
        {
            if (!long.TryParse(grainState.ETag, out var expected))
            {
                throw new InconsistentStateException($"Storage {_name}: malformed ETag", grainState.ETag, "?");
            }

            newVersion = expected + 1;
            command.CommandText =
                "UPDATE grain_state SET version = $next, payload = $payload, modified_at = $now " +
                "WHERE service_id = $service AND grain_id = $grain AND state_name = $state AND version = $expected";
            command.Parameters.AddWithValue("$expected", expected);
            command.Parameters.AddWithValue("$next", newVersion);
        }

        if (await command.ExecuteNonQueryAsync() != 1)
        {
            var stored = await ReadVersionAsync(connection, stateName, grainId);
            throw new InconsistentStateException(
                $"Storage {_name}: state {stateName} of {grainId} was changed elsewhere",
                storedEtag: stored ?? "(none)", currentEtag: grainState.ETag ?? "(none)");
        }
        grainState.ETag = newVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        AddKey(command, stateName, grainId);
        if (grainState.ETag is null)
        {
            command.CommandText =
                "DELETE FROM grain_state WHERE service_id = $service AND grain_id = $grain AND state_name = $state";
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            command.CommandText =
                "DELETE FROM grain_state WHERE service_id = $service AND grain_id = $grain AND state_name = $state AND version = $expected";
            command.Parameters.AddWithValue("$expected", long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture));
            if (await command.ExecuteNonQueryAsync() != 1)
            {
                var stored = await ReadVersionAsync(connection, stateName, grainId);
                throw new InconsistentStateException(
                    $"Storage {_name}: state {stateName} of {grainId} was changed elsewhere",
                    storedEtag: stored ?? "(none)", currentEtag: grainState.ETag);
            }
        }
        grainState.State = EmptyState<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public void Dispose() => _schemaLock.Dispose();

    /// <summary>A fresh state object, as Orleans' own providers give a grain with no stored record.</summary>
    private static T EmptyState<T>() =>
        typeof(T).IsValueType || typeof(T).GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance<T>() : default!;

    private void AddKey(SqliteCommand command, string stateName, GrainId grainId)
    {
        command.Parameters.AddWithValue("$service", _serviceId);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        command.Parameters.AddWithValue("$state", stateName);
    }

    private async Task<string?> ReadVersionAsync(SqliteConnection connection, string stateName, GrainId grainId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT version FROM grain_state WHERE service_id = $service AND grain_id = $grain AND state_name = $state";
        AddKey(command, stateName, grainId);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(connection);
        }

        return connection;
    }

    private async Task EnsureSchemaAsync(SqliteConnection connection)
    {
        await _schemaLock.WaitAsync();
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var command = connection.CreateCommand();
            // WAL lets readers proceed while a write is in progress; NORMAL sync is durable in WAL mode
            // across process crashes (only an OS crash can lose the last commits).
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS grain_state (
                    service_id  TEXT    NOT NULL,
                    grain_id    TEXT    NOT NULL,
                    state_name  TEXT    NOT NULL,
                    version     INTEGER NOT NULL,
                    payload     BLOB    NOT NULL,
                    modified_at TEXT    NOT NULL,
                    PRIMARY KEY (service_id, grain_id, state_name)
                ) WITHOUT ROWID;
                """;
            await command.ExecuteNonQueryAsync();
            _schemaReady = true;
            _logger.LogInformation("Storage {Name}: SQLite database at {Path}", _name, DatabasePath);
        }
        finally
        {
            _schemaLock.Release();
        }
    }
}
