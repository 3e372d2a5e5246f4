using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

[assembly: Orleans.RegisterProvider("Sqlite", "GrainStorage", "Silo", typeof(Chorus.Silo.Storage.SqliteGrainStorageProviderBuilder))]

namespace Chorus.Silo.Storage;

public static class SqliteGrainStorageHosting
{
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder silo, string name, Action<SqliteGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure);
        silo.Services.AddGrainStorage(name, (sp, storageName) => new SqliteGrainStorage(
            storageName,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(storageName),
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<ILogger<SqliteGrainStorage>>()));
        return silo;
    }
}

/// <summary>Lets configuration pick this provider: <c>Orleans:GrainStorage:{name}:ProviderType = Sqlite</c>.</summary>
public sealed class SqliteGrainStorageProviderBuilder : IProviderBuilder<ISiloBuilder>
{
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection) =>
        builder.AddSqliteGrainStorage(name ?? "Default", options =>
        {
            var dataSource = configurationSection["DataSource"];
            if (!string.IsNullOrWhiteSpace(dataSource))
            {
                options.DataSource = dataSource;
            }
        });
}
