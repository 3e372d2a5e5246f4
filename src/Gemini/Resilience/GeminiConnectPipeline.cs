using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Chorus.Gemini.Resilience;

/// <summary>
/// The Polly pipeline around one connect+setup: retry with exponential backoff and jitter (capped), a circuit
/// breaker that opens on quota/capacity failures (retrying soon will not heal them), and a timeout per attempt.
/// Fatal failures (bad key, bad model, invalid setup) are not handled, so they surface at once.
/// </summary>
internal static class GeminiConnectPipeline
{
    public static ResiliencePipeline Build(GeminiLiveOptions options, TimeProvider timeProvider, Action<int, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.Reconnect;
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<GeminiLiveException>(e => GeminiCloseClassifier.IsRetryable(e.Kind))
                    .Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = Math.Max(policy.MaxAttempts - 1, 0),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = policy.BaseDelay,
                MaxDelay = policy.MaxDelay,
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<GeminiLiveException>(e => e.Kind == GeminiFailureKind.QuotaExhausted),
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = policy.QuotaBreakDuration,
            })
            .AddTimeout(options.ConnectTimeout)
            .Build();
    }
}
