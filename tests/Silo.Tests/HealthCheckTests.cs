using Chorus.Gateway.Hosting;
using Chorus.Grains;
using Chorus.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Storage;

namespace Chorus.Silo.Tests;

/// <summary>The health checks' answers for the states that a live process reaches only by bad luck: a lost cluster, a failing store.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task The_cluster_check_waits_then_is_ready_then_says_the_connection_was_lost_until_a_gateway_answers_again()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chorus:GatewayPort"] = "30123",
            ["Orleans:ServiceId"] = "svc",
            ["Orleans:ClusterId"] = "cls",
        }).Build();
        var cluster = new ClusterConnectionHealth(configuration);

        var waiting = await cluster.CheckHealthAsync(new HealthCheckContext());
        cluster.NotifyGatewayCountChanged(1, 0, connectionRecovered: false);
        var stillWaiting = await cluster.CheckHealthAsync(new HealthCheckContext());
        cluster.MarkConnected();
        var connected = await cluster.CheckHealthAsync(new HealthCheckContext());
        cluster.NotifyClusterConnectionLost();
        var lost = await cluster.CheckHealthAsync(new HealthCheckContext());
        cluster.NotifyGatewayCountChanged(1, 0, connectionRecovered: true);
        var recovered = await cluster.CheckHealthAsync(new HealthCheckContext());
        cluster.NotifyGatewayCountChanged(0, 1, connectionRecovered: false);
        var none = await cluster.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Degraded, waiting.Status);
        Assert.Equal("waiting for the Orleans cluster at 127.0.0.1:30123 (localhost clustering), ServiceId svc, ClusterId cls", waiting.Description);
        Assert.Equal(HealthStatus.Degraded, stillWaiting.Status);
        Assert.Equal(HealthStatus.Healthy, connected.Status);
        Assert.Equal(HealthStatus.Degraded, lost.Status);
        Assert.StartsWith("lost the connection to the Orleans cluster", lost.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Equal(HealthStatus.Degraded, none.Status);
    }

    [Fact]
    public async Task The_storage_check_is_ready_when_the_store_answers_and_names_only_the_failure_type_when_it_throws()
    {
        const string secret = "password=storage-secret";
        var answering = await CheckStorageAsync(new FakeStorage(null));
        var throwing = await CheckStorageAsync(new FakeStorage(new InvalidOperationException("cannot connect: " + secret)));
        var missing = await new GrainStorageHealthCheck(new ServiceCollection().BuildServiceProvider()).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, answering.Status);
        Assert.NotEqual(HealthStatus.Healthy, throwing.Status);
        Assert.Equal("grain storage Default cannot be read (InvalidOperationException)", throwing.Description);
        Assert.DoesNotContain(secret, throwing.Description);
        Assert.Null(throwing.Exception);
        Assert.Equal(HealthStatus.Unhealthy, missing.Status);
    }

    [Fact]
    public void A_report_reads_healthy_or_names_what_each_check_waits_for_on_one_line()
    {
        var healthy = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["self"] = new(HealthStatus.Healthy, null, TimeSpan.Zero, null, null),
        }, TimeSpan.Zero);
        var waiting = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["self"] = new(HealthStatus.Healthy, null, TimeSpan.Zero, null, null),
            ["cluster"] = new(HealthStatus.Degraded, "waiting for the cluster", TimeSpan.Zero, null, null),
            ["discord"] = new(HealthStatus.Degraded, "waiting for\nshard 1", TimeSpan.Zero, null, null),
        }, TimeSpan.Zero);

        Assert.Equal("Healthy", HealthEndpoints.Describe(healthy));
        Assert.Equal("Not ready; cluster: waiting for the cluster; discord: waiting for shard 1", HealthEndpoints.Describe(waiting));
    }

    private static Task<HealthCheckResult> CheckStorageAsync(IGrainStorage storage)
    {
        var services = new ServiceCollection().AddKeyedSingleton(GrainStorageNames.Default, storage).BuildServiceProvider();
        return new GrainStorageHealthCheck(services).CheckHealthAsync(new HealthCheckContext());
    }

    private sealed class FakeStorage(Exception? failure) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            failure is null ? Task.CompletedTask : Task.FromException(failure);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();
    }
}
