using System.Net;
using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Interactions;
using Chorus.Discord.Rest;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Discord.Tests.Rest;

public sealed class RateLimitBucketTests
{
    /// <summary>Answers every request with the same bucket hash and an exhausted bucket that refills after 0.25 s.</summary>
    private sealed class ExhaustingHandler(TimeProvider time) : HttpMessageHandler
    {
        public List<(string Path, DateTimeOffset At)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add((request.RequestUri!.AbsolutePath, time.GetUtcNow()));
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"id\":\"1\",\"content\":\"x\"}") };
            response.Headers.Add("X-RateLimit-Bucket", "shared-hash");
            response.Headers.Add("X-RateLimit-Remaining", "0");
            response.Headers.Add("X-RateLimit-Reset-After", "0.250");
            return Task.FromResult(response);
        }
    }

    [Fact]
    public async Task An_exhausted_bucket_delays_the_next_request_on_the_same_major_parameter_only()
    {
        // Fake time: the bucket's 0.25 s cannot run out while a loaded machine is slow to send the second request.
        var time = new FakeTimeProvider();
        var handler = new ExhaustingHandler(time);
        using var http = new HttpClient(handler);
        var metrics = new DiscordMetrics();
        using var totals = new MeterTotals(metrics.Meter);
        var client = new DiscordRestClient(
            http, new DiscordRestOptions { Token = "t", ApiBaseUrl = "http://127.0.0.1:1/api/v10", TimeProvider = time, Metrics = metrics });
        var message = new MessageBody { Content = "x" };

        await client.CreateMessageAsync(1, message);
        await client.CreateMessageAsync(2, message);
        var third = client.CreateMessageAsync(1, message);
        // The third request waits on a timer of the fake clock; move the clock until it is sent (bounded).
        for (var step = 0; step < 100_000 && !third.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        await third.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["/api/v10/channels/1/messages", "/api/v10/channels/2/messages", "/api/v10/channels/1/messages"], handler.Requests.Select(r => r.Path));
        Assert.True(handler.Requests[2].At - handler.Requests[0].At >= TimeSpan.FromSeconds(0.25));
        // Only the third call waited: channel 2 is another bucket even though the hash is shared.
        Assert.Equal(1, totals.Total(DiscordMetrics.RestBucketWaitsName));
    }
}
