using Chorus.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.TestingHost;

namespace Chorus.Grains.Tests;

/// <summary>Builds one-silo in-process clusters wired like the real silo, with the storage a test chooses.</summary>
internal static class TestClusters
{
    public static async Task<InProcessTestCluster> StartAsync(
        Action<ISiloBuilder> storage,
        string? serviceId = null,
        TimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var builder = new InProcessTestClusterBuilder(1);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureHost(host => host.Configuration.AddConfiguration(configuration));
        builder.ConfigureSilo((_, silo) =>
        {
            storage(silo);
            SiloConfiguration.AddGrainServices(silo.Services, configuration);
            if (time is not null)
            {
                silo.Services.Replace(ServiceDescriptor.Singleton(time));
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static long NewGuildId() => Random.Shared.NextInt64(1L << 40, long.MaxValue);
}
