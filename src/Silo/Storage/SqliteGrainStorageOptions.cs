using Chorus.Gateway.Hosting;

namespace Chorus.Silo.Storage;

/// <summary>The embedded grain store (configuration section "Storage:Sqlite"), used when no other provider is configured.</summary>
public sealed class SqliteGrainStorageOptions
{
    public const string SectionName = "Storage";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.Silo, DirectoryCanBeCreated)
    {
        { "Sqlite:" + nameof(DataSource), "a file path", v => v.Trim().Length > 0 && v.IndexOfAny(Path.GetInvalidPathChars()) < 0 },
        { "Sqlite:" + nameof(BusyTimeout), "a duration of zero or more (hh:mm:ss)", v => SettingRules.IsDuration(v, TimeSpan.Zero) },
    };

    /// <summary>The database file; relative paths are resolved against the working directory.</summary>
    public string DataSource { get; set; } = "data/chorus.db";

    /// <summary>How long a write waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The file's directory is created at start: a path under a file, or without permission, is named then.</summary>
    private static string? DirectoryCanBeCreated(IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["Orleans:GrainStorage:Default:ProviderType"]))
        {
            return null;
        }

        var dataSource = configuration["Storage:Sqlite:DataSource"] ?? new SqliteGrainStorageOptions().DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        try
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return SettingsSection.Describe("Storage:Sqlite:DataSource", dataSource,
                $"a file in a directory that exists or can be created ({directory} cannot be created: {e.Message.ReplaceLineEndings(" ").TrimEnd('.')})");
        }
    }
}
