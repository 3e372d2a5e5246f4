using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Chorus.Discord.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Chorus.Discord.Rest;

/// <summary>
/// Discord REST over HttpClient: per-route buckets, 429 (route and global) honoured from retry_after / Retry-After,
/// 5xx and network failures retried by a Polly pipeline. The bot token goes only into the Authorization header of
/// authenticated routes; logs and exceptions name route templates, never URLs.
/// </summary>
public sealed partial class DiscordRestClient
{
    private static readonly ResiliencePropertyKey<string> RouteProperty = new("discord.route");

    private readonly HttpClient _http;
    private readonly DiscordRestOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RestRateLimiter _limiter;
    private readonly ResiliencePipeline<HttpResponseMessage> _transient;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly string _baseUrl;
    private readonly DiscordMetrics _metrics;

    /// <summary>A client over <paramref name="http"/>.</summary>
    /// <param name="http">The HTTP client; its base address is ignored (<see cref="DiscordRestOptions.ApiBaseUrl"/> is used).</param>
    /// <param name="options">Token, base URL and retry settings.</param>
    /// <param name="logger">Optional logger; never sees the token or interaction tokens.</param>
    public DiscordRestClient(HttpClient http, DiscordRestOptions options, ILogger<DiscordRestClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _metrics = options.Metrics ?? DiscordMetrics.Default;
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Token);
        _http = http;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = options.TimeProvider;
        _limiter = new RestRateLimiter(_time);
        _authorization = new AuthenticationHeaderValue("Bot", options.Token);
        _baseUrl = options.ApiBaseUrl.TrimEnd('/') + "/";
        _transient = BuildTransientPipeline();
    }

    private ResiliencePipeline<HttpResponseMessage> BuildTransientPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (_options.TransientRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.TransientRetries,
                Delay = _options.TransientRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException } => true,
                    { Exception: TaskCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                    { Result: { } response } => (int)response.StatusCode >= 500,
                    _ => false,
                }),
                OnRetry = args =>
                {
                    _metrics.RestRetries.Add(1);
                    var failure = args.Outcome.Exception?.GetType().Name
                        ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
                    RestLog.TransientRetry(_logger, args.Context.Properties.GetValue(RouteProperty, "?"), failure, args.AttemptNumber + 1);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>Sends one call through buckets, 429 handling and transient retries; returns a successful response.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string route, string majorParameter, string relativePath, byte[]? body, bool authenticate, CancellationToken cancellationToken)
    {
        for (var rateLimitAttempt = 0; ; rateLimitAttempt++)
        {
            // Loops, because a timer may fire a little before the clock says the wait is over.
            for (var globalWait = _limiter.GlobalWait(); globalWait > TimeSpan.Zero; globalWait = _limiter.GlobalWait())
            {
                await Task.Delay(globalWait, _time, cancellationToken).ConfigureAwait(false);
            }

            var bucket = _limiter.GetBucket(route, majorParameter);
            HttpResponseMessage response;
            await bucket.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var bucketWait = _limiter.BucketWait(bucket);
                if (bucketWait > TimeSpan.Zero)
                {
                    _metrics.RestBucketWaits.Add(1);
                    RestLog.BucketWait(_logger, route, (long)bucketWait.TotalMilliseconds);
                    for (; bucketWait > TimeSpan.Zero; bucketWait = _limiter.BucketWait(bucket))
                    {
                        await Task.Delay(bucketWait, _time, cancellationToken).ConfigureAwait(false);
                    }

                    bucket.Remaining = -1;
                }

                response = await SendWithTransientRetriesAsync(method, route, relativePath, body, authenticate, cancellationToken).ConfigureAwait(false);
                _limiter.Update(route, majorParameter, bucket, response.Headers);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    (var retryAfter, var global) = await ReadRetryAfterAsync(response, cancellationToken).ConfigureAwait(false);
                    response.Dispose();
                    if (global)
                    {
                        _limiter.PauseGlobal(retryAfter);
                    }
                    else
                    {
                        _limiter.Block(bucket, retryAfter);
                    }

                    // Counted after the pause is in place, so an observer of the counter sees the limit applied.
                    _metrics.RestRateLimited.Add(1, global ? MetricTag.GlobalScope : MetricTag.RouteScope);
                    RestLog.RateLimited(_logger, route, (long)retryAfter.TotalMilliseconds, global);
                    if (rateLimitAttempt >= _options.MaxRateLimitRetries || retryAfter > _options.MaxRetryAfter)
                    {
                        throw new DiscordRestException(route, HttpStatusCode.TooManyRequests, null, "rate limited");
                    }

                    continue;
                }
            }
            finally
            {
                bucket.Gate.Release();
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                    RestLog.Failed(_logger, route, (int)response.StatusCode, error?.Code);
                    throw new DiscordRestException(route, response.StatusCode, error?.Code, error?.Message);
                }
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> SendWithTransientRetriesAsync(
        HttpMethod method, string route, string relativePath, byte[]? body, bool authenticate, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RouteProperty, route);
        try
        {
            return await _transient.ExecuteAsync(
                async (ctx, state) =>
                {
                    // A request message cannot be sent twice: build a fresh one per attempt.
                    using var request = new HttpRequestMessage(state.method, state.self._baseUrl + state.relativePath);
                    request.Headers.UserAgent.ParseAdd(state.self._options.UserAgent);
                    if (state.authenticate)
                    {
                        request.Headers.Authorization = state.self._authorization;
                    }

                    if (state.body is not null)
                    {
                        request.Content = new ByteArrayContent(state.body);
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    }

                    state.self._metrics.RestRequests.Add(1);
                    return await state.self._http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (self: this, method, relativePath, body, authenticate)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task<(TimeSpan RetryAfter, bool Global)> ReadRetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var global = body?.Global == true
            || (response.Headers.TryGetValues("X-RateLimit-Global", out var globalValues)
                && globalValues.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)));
        var seconds = body?.RetryAfter is double fromBody && double.IsFinite(fromBody) && fromBody >= 0 ? fromBody : -1;
        if (seconds < 0 && response.Headers.RetryAfter?.Delta is TimeSpan delta)
        {
            seconds = delta.TotalSeconds;
        }

        if (seconds < 0 && response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var fromHeader))
        {
            seconds = fromHeader;
        }

        // Unknown: a conservative second rather than a hot retry loop.
        return (TimeSpan.FromSeconds(seconds >= 0 ? seconds : 1), global);
    }

    private static async Task<RestErrorBody?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, DiscordJsonContext.Default.RestErrorBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, string route, CancellationToken cancellationToken)
    {
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonSerializer.Deserialize(bytes, typeInfo) ?? throw new DiscordRestException(route + ": empty response body");
            }
            catch (JsonException ex)
            {
                throw new DiscordRestException(route + ": malformed response body", ex);
            }
        }
    }

    private static string Id(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
