using Chorus.Grains.Settings;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Chorus.Grains.Tests;

/// <summary>
/// A grain whose storage write fails: the caller gets an exception every client process can read, at once. A gateway
/// has no storage provider assemblies, and a provider's own exception type used to leave it waiting out Orleans' 30 s
/// response timeout (the Redis restart in ClusterTests).
/// </summary>
public sealed class StorageFailureTests
{
    [Fact]
    public async Task A_failed_storage_write_reaches_the_caller_as_an_exception_it_can_read()
    {
        var cluster = await TestClusters.StartAsync(silo =>
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorageNames.Default, (_, _) => new WriteRefusingStorage()));
        await using (cluster)
        {
            var grain = cluster.Client.GetGrain<IGuildSettingsGrain>(TestClusters.NewGuildId());

            var failure = await Assert.ThrowsAsync<GrainOperationFailedException>(() => grain.SetPersonaAsync("A careful librarian.", changedBy: 7));

            Assert.Equal(typeof(StoreUnavailableException).FullName, failure.FailureType);
            Assert.Contains("IGuildSettingsGrain", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(StoreUnavailableException.Detail, failure.Message, StringComparison.Ordinal);
            Assert.Null(failure.InnerException);
        }
    }

    [Fact]
    public void Exceptions_of_the_runtime_orleans_and_the_grain_interfaces_pass_as_they_are()
    {
        Assert.True(Chorus.Silo.Hosting.ClientReadableExceptionFilter.IsClientReadable(new InvalidOperationException("x")));
        Assert.True(Chorus.Silo.Hosting.ClientReadableExceptionFilter.IsClientReadable(new InconsistentStateException("etag")));
        Assert.True(Chorus.Silo.Hosting.ClientReadableExceptionFilter.IsClientReadable(new GrainOperationFailedException("x")));
        Assert.False(Chorus.Silo.Hosting.ClientReadableExceptionFilter.IsClientReadable(new StoreUnavailableException()));
        Assert.False(Chorus.Silo.Hosting.ClientReadableExceptionFilter.IsClientReadable(new InvalidOperationException("outer", new StoreUnavailableException())));
        Assert.False(Chorus.Silo.Hosting.ClientReadableExceptionFilter.IsClientReadable(new AggregateException(new TimeoutException(), new StoreUnavailableException())));
    }

    /// <summary>Stands for a provider's exception: defined in an assembly a gateway process would not load.</summary>
    private sealed class StoreUnavailableException() : Exception(Detail)
    {
        public const string Detail = "connection to store-7.internal:6379 refused";
    }

    private sealed class WriteRefusingStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new StoreUnavailableException();

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new StoreUnavailableException();
    }
}
