using Chorus.Gemini.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gemini.Tests;

public sealed class ServiceBreakerTests
{
    private static readonly GeminiReconnectPolicy Policy = new()
    {
        BreakerConversations = 3,
        BreakerWindow = TimeSpan.FromSeconds(10),
        BreakerDuration = TimeSpan.FromSeconds(5),
    };

    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(1);

    [Fact]
    public void One_conversation_failing_over_and_over_does_not_open_it()
    {
        var breaker = new GeminiServiceBreaker(Policy, new FakeTimeProvider());
        var one = new object();

        for (var i = 0; i < 10; i++)
        {
            breaker.Failed(one);
        }

        Assert.Equal(GeminiBreakerState.Closed, breaker.State);
    }

    [Fact]
    public void Failures_of_different_conversations_spread_beyond_the_window_do_not_open_it()
    {
        var clock = new FakeTimeProvider();
        var breaker = new GeminiServiceBreaker(Policy, clock);

        breaker.Failed(new object());
        breaker.Failed(new object());
        clock.Advance(TimeSpan.FromSeconds(11));
        breaker.Failed(new object());

        Assert.Equal(GeminiBreakerState.Closed, breaker.State);
    }

    [Fact]
    public void A_success_between_failures_means_the_service_works()
    {
        var breaker = new GeminiServiceBreaker(Policy, new FakeTimeProvider());

        breaker.Failed(new object());
        breaker.Failed(new object());
        breaker.Succeeded(new object());
        breaker.Failed(new object());

        Assert.Equal(GeminiBreakerState.Closed, breaker.State);
    }

    [Fact]
    public async Task Three_conversations_failing_together_open_it_and_one_probe_closes_it_for_everyone()
    {
        var clock = new FakeTimeProvider();
        var breaker = new GeminiServiceBreaker(Policy, clock);
        object a = new(), b = new(), c = new();

        breaker.Failed(a);
        breaker.Failed(b);
        breaker.Failed(c);
        Assert.Equal(GeminiBreakerState.Open, breaker.State);
        Assert.Equal(1, breaker.TimesOpened);

        // While open nobody connects: all three wait.
        var waitA = breaker.EnterAsync(a, Budget, TestContext.Current.CancellationToken).AsTask();
        var waitB = breaker.EnterAsync(b, Budget, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waitA.IsCompleted);
        Assert.False(waitB.IsCompleted);

        // After the break exactly one of them probes; the other keeps waiting for its outcome.
        clock.Advance(Policy.BreakerDuration);
        var probe = await Task.WhenAny(waitA, waitB).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var other = probe == waitA ? waitB : waitA;
        Assert.Equal(GeminiBreakerState.HalfOpen, breaker.State);
        Assert.False(other.IsCompleted);
        var lateComer = breaker.EnterAsync(c, Budget, TestContext.Current.CancellationToken).AsTask();
        Assert.False(lateComer.IsCompleted);

        breaker.Succeeded(probe == waitA ? a : b);

        await Task.WhenAll(other, lateComer).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(GeminiBreakerState.Closed, breaker.State);
        Assert.Equal(1, breaker.TimesOpened);
    }

    [Fact]
    public async Task A_failed_probe_opens_it_again()
    {
        var clock = new FakeTimeProvider();
        var breaker = new GeminiServiceBreaker(Policy, clock);
        object a = new(), b = new(), c = new();
        breaker.Failed(a);
        breaker.Failed(b);
        breaker.Failed(c);
        clock.Advance(Policy.BreakerDuration);

        await breaker.EnterAsync(a, Budget, TestContext.Current.CancellationToken);
        breaker.Failed(a);

        Assert.Equal(GeminiBreakerState.Open, breaker.State);
        Assert.Equal(2, breaker.TimesOpened);
        var waiting = breaker.EnterAsync(b, Budget, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);
        clock.Advance(Policy.BreakerDuration);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(GeminiBreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public async Task A_wait_longer_than_the_conversation_budget_gives_up()
    {
        var clock = new FakeTimeProvider();
        var breaker = new GeminiServiceBreaker(Policy with { BreakerDuration = TimeSpan.FromMinutes(5) }, clock);
        breaker.Failed(new object());
        breaker.Failed(new object());
        breaker.Failed(new object());

        var waiting = breaker.EnterAsync(new object(), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<GeminiLiveException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(GeminiFailureKind.Transient, error.Kind);
    }

    [Fact]
    public async Task A_probe_that_leaves_hands_the_probe_on()
    {
        var clock = new FakeTimeProvider();
        var breaker = new GeminiServiceBreaker(Policy, clock);
        object a = new(), b = new(), c = new();
        breaker.Failed(a);
        breaker.Failed(b);
        breaker.Failed(c);
        clock.Advance(Policy.BreakerDuration);
        await breaker.EnterAsync(a, Budget, TestContext.Current.CancellationToken);
        var waiting = breaker.EnterAsync(b, Budget, TestContext.Current.CancellationToken).AsTask();
        Assert.False(waiting.IsCompleted);

        breaker.Leave(a);

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }
}

/// <summary>The breaker between real conversations and a service that refuses everyone.</summary>
[EndToEnd]
public sealed class SharedBreakerTests
{
    [Fact]
    public async Task Conversations_failing_together_open_the_shared_breaker_and_stop_hammering_the_service()
    {
        var options = EmulatorFixture.Fast() with { RejectSetup = new Emulators.Gemini.GeminiCloseScript(1011, "The service is currently unavailable.") };
        await using var emulator = await Emulators.Gemini.GeminiLiveEmulator.StartAsync(options);
        var client = EmulatorFixture.Client(emulator);
        var policy = client.Reconnect with { BreakerConversations = 3, BreakerDuration = TimeSpan.FromSeconds(10) };
        var shared = new GeminiServiceBreaker(policy, TimeProvider.System);
        var conversations = Enumerable.Range(0, 3)
            .Select(_ => new GeminiConversation(client with { Reconnect = policy, ServiceBreaker = shared }, new RecordingListener()))
            .ToList();

        var failures = await Task.WhenAll(conversations.Select(async c =>
            await Assert.ThrowsAsync<GeminiLiveException>(() => c.StartAsync())));

        Assert.All(failures, f => Assert.Equal(GeminiFailureKind.Transient, f.Kind));
        Assert.Equal(1, shared.TimesOpened);

        // Open for 10 s, longer than each 2 s budget: once three had failed nobody dialled again until giving up
        // (a retry may slip in before the third failure opens it). Without the breaker: 15-40 attempts each.
        Assert.InRange(emulator.Recording.ConnectionAttempts, 3, 9);
        foreach (var conversation in conversations)
        {
            await conversation.DisposeAsync();
        }
    }
}
