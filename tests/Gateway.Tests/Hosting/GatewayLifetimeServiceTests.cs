using System.Reflection;
using Chorus.Gateway.Hosting;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Hosting;

public sealed class GatewayLifetimeServiceTests
{
    [Fact]
    public async Task Start_fails_and_claims_nothing_when_the_cluster_does_not_answer()
    {
        var logger = new CapturingLogger<GatewayLifetimeService>();
        using var service = Service(FakeCluster.Create(() => Task.FromException<Dictionary<SiloAddress, SiloStatus>>(new SiloUnavailableException("no silo"))), logger);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => service.StartAsync(CancellationToken.None));
        Assert.DoesNotContain(logger.Lines, l => l.Contains("connected to the cluster", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_reports_the_active_silos_the_cluster_answered_with()
    {
        var logger = new CapturingLogger<GatewayLifetimeService>();
        var silos = new Dictionary<SiloAddress, SiloStatus>
        {
            [SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 11111), 1)] = SiloStatus.Active,
            [SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 11112), 1)] = SiloStatus.Active,
        };
        // Disposing cancels the stats loop the start began.
        using var service = Service(FakeCluster.Create(() => Task.FromResult(silos)), logger);

        await service.StartAsync(CancellationToken.None);

        Assert.Contains(logger.Lines, l => l.Contains("Gateway gw-unit connected to the cluster (2 active silos)", StringComparison.Ordinal));
    }

    private static GatewayLifetimeService Service(IClusterClient cluster, CapturingLogger<GatewayLifetimeService> logger) =>
        // StartAsync never touches the runner (only StopAsync does, and these tests do not stop).
        new(cluster, null!, Options.Create(new GatewayOptions { Id = "gw-unit" }), Options.Create(new VoiceSessionOptions()),
            new ClusterConnectionHealth(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()), new FakeTimeProvider(), logger);

    /// <summary>An IClusterClient whose only working grain is the management grain, answering GetHosts as told.</summary>
    public class FakeCluster : DispatchProxy
    {
        private Func<Task<Dictionary<SiloAddress, SiloStatus>>> _hosts = null!;

        public static IClusterClient Create(Func<Task<Dictionary<SiloAddress, SiloStatus>>> hosts)
        {
            var client = DispatchProxy.Create<IClusterClient, FakeCluster>();
            ((FakeCluster)(object)client)._hosts = hosts;
            return client;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(IManagementGrain))
            {
                var grain = DispatchProxy.Create<IManagementGrain, FakeManagementGrain>();
                ((FakeManagementGrain)(object)grain).Hosts = _hosts;
                return grain;
            }

            throw new NotSupportedException(targetMethod?.Name);
        }
    }

    public class FakeManagementGrain : DispatchProxy
    {
        public Func<Task<Dictionary<SiloAddress, SiloStatus>>> Hosts { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IManagementGrain.GetHosts) ? Hosts() : throw new NotSupportedException(targetMethod?.Name);
    }
}
