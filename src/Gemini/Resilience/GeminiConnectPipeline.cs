using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Chorus.Gemini.Resilience;

/// <summary>
/// The Polly pipelines around one connect+setup: retry with exponential backoff and jitter (capped) while a give-up
/// budget lasts, a circuit breaker that opens on quota/capacity failures (retrying soon will not heal them), and,
/// separately, a timeout per attempt (separate so that waiting for the process-wide breaker is not cut by it).
/// Fatal failures (bad key, bad model, invalid setup) are not handled, so they surface at once.
/// </summary>
internal static class GeminiConnectPipeline
{
    /// <param name="options">The policy and timeouts.</param>
    /// <param name="timeProvider">The clock of backoff delays and the quota breaker.</param>
    /// <param name="onRetry">Called before each retry with the attempt number and the delay.</param>
    /// <param name="withinBudget">False once the conversation's give-up budget is spent: the failure then surfaces.</param>
    /// <param name="maxAttempts">A cap on attempts (the resume budget); none when null.</param>
    public static ResiliencePipeline Build(
        GeminiLiveOptions options,
        TimeProvider timeProvider,
        Action<int, TimeSpan>? onRetry = null,
        Func<bool>? withinBudget = null,
        int? maxAttempts = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.Reconnect;
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is GeminiLiveException { Kind: var kind } && GeminiCloseClassifier.IsRetryable(kind)
                    || args.Outcome.Exception is TimeoutRejectedException
                    ? withinBudget?.Invoke() ?? true
                    : false),
                MaxRetryAttempts = maxAttempts is { } cap ? Math.Max(cap - 1, 0) : int.MaxValue,
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
            .Build();
    }

    /// <summary>The connect+setup timeout of one attempt.</summary>
    public static ResiliencePipeline AttemptTimeout(GeminiLiveOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(options.ConnectTimeout).Build();
    }
}
