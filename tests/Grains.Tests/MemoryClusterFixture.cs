using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Chorus.Grains.Tests;

/// <summary>One cluster for a test class; each test uses its own guild id, so tests never share state.</summary>
public sealed class MemoryClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync() =>
        Cluster = await TestClusters.StartAsync(silo => silo.AddMemoryGrainStorageAsDefault(), time: Time,
            settings: new Dictionary<string, string?> { ["Bot:Persona"] = "Default persona for tests.", ["Bot:VoiceName"] = "Kore" });

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
