using Chorus.Gemini.Resilience;
using Polly.CircuitBreaker;

namespace Chorus.Gemini.Tests;

public sealed class ConnectPipelineTests
{
    private static readonly GeminiLiveOptions Options = new()
    {
        ApiKey = "k",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        Reconnect = new GeminiReconnectPolicy { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(8) },
    };

    [Fact]
    public async Task Transient_failures_are_retried_with_capped_backoff_until_the_budget_says_stop()
    {
        var delays = new List<TimeSpan>();
        var calls = 0;
        var pipeline = GeminiConnectPipeline.Build(Options, TimeProvider.System, (_, delay) => delays.Add(delay), withinBudget: () => calls < 6);

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new GeminiLiveException(GeminiFailureKind.Transient, "1011 Internal error encountered.");
        }).AsTask());

        Assert.Equal(GeminiFailureKind.Transient, error.Kind);
        Assert.Equal(6, calls);
        Assert.Equal(5, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(8)));
    }

    [Fact]
    public async Task An_attempt_cap_ends_retries_even_within_the_budget()
    {
        var pipeline = GeminiConnectPipeline.Build(Options, TimeProvider.System, maxAttempts: 3);
        var calls = 0;

        await Assert.ThrowsAsync<GeminiLiveException>(() => pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new GeminiLiveException(GeminiFailureKind.Transient, "1011");
        }).AsTask());

        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(GeminiFailureKind.InvalidCredentials)]
    [InlineData(GeminiFailureKind.ModelUnavailable)]
    [InlineData(GeminiFailureKind.InvalidRequest)]
    [InlineData(GeminiFailureKind.ResumeRefused)]
    public async Task Fatal_and_resume_refusals_are_not_retried(GeminiFailureKind kind)
    {
        var pipeline = GeminiConnectPipeline.Build(Options, TimeProvider.System);
        var calls = 0;

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new GeminiLiveException(kind, "refused");
        }).AsTask());

        Assert.Equal(kind, error.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Quota_failures_open_the_circuit_and_stop_retrying()
    {
        var pipeline = GeminiConnectPipeline.Build(Options, TimeProvider.System);
        var calls = 0;

        await Assert.ThrowsAsync<BrokenCircuitException>(() => pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new GeminiLiveException(GeminiFailureKind.QuotaExhausted, "RESOURCE_EXHAUSTED");
        }).AsTask());

        Assert.Equal(2, calls);

        // Still open for the next caller: no attempt reaches the service.
        await Assert.ThrowsAsync<BrokenCircuitException>(() => pipeline.ExecuteAsync(_ => ValueTask.FromResult(calls++)).AsTask());
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_slow_connect_is_cut_by_the_timeout_and_retried()
    {
        var options = Options with { ConnectTimeout = TimeSpan.FromMilliseconds(50) };
        var pipeline = GeminiConnectPipeline.Build(options, TimeProvider.System, maxAttempts: 2);
        var timeout = GeminiConnectPipeline.AttemptTimeout(options, TimeProvider.System);
        var calls = 0;

        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => pipeline.ExecuteAsync(outer => timeout.ExecuteAsync(async ct =>
        {
            calls++;
            // The connect that never finishes is the behaviour under test: only the attempt's timeout ends it.
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }, outer)).AsTask());

        Assert.Equal(2, calls);
    }
}
