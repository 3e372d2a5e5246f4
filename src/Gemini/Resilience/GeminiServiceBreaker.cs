using System.Collections.Concurrent;

namespace Chorus.Gemini.Resilience;

/// <summary>
/// One circuit breaker per Live endpoint, shared by every conversation of the process. One conversation that fails
/// is its own business (a stale handle, its socket); several different conversations failing together, with no
/// connect succeeding in between, means the service is in trouble: then nobody connects until the break is over,
/// one conversation probes (half-open), and its success lets everyone in again while its failure starts another
/// break. Polly's breaker counts attempts, so one conversation's retries alone would open it; this one counts
/// conversations.
/// </summary>
internal sealed class GeminiServiceBreaker
{
    private static readonly ConcurrentDictionary<string, GeminiServiceBreaker> PerEndpoint = new(StringComparer.Ordinal);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly int _conversations;
    private readonly TimeSpan _window;
    private readonly TimeSpan _breakFor;
    private readonly Dictionary<object, long> _failedAt = new(ReferenceEqualityComparer.Instance);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _openUntil;
    private object? _probe;
    private int _opened;

    public GeminiServiceBreaker(GeminiReconnectPolicy policy, TimeProvider time)
    {
        _time = time;
        _conversations = Math.Max(policy.BreakerConversations, 1);
        _window = policy.BreakerWindow;
        _breakFor = policy.BreakerDuration;
    }

    /// <summary>The breaker every conversation to <paramref name="endpoint"/> in this process uses.</summary>
    public static GeminiServiceBreaker For(Uri endpoint, GeminiReconnectPolicy policy, TimeProvider time) =>
        PerEndpoint.GetOrAdd(endpoint.GetLeftPart(UriPartial.Authority), _ => new GeminiServiceBreaker(policy, time));

    public GeminiBreakerState State
    {
        get
        {
            lock (_lock)
            {
                return StateLocked();
            }
        }
    }

    /// <summary>How many times the breaker has opened (a failed probe opens it again).</summary>
    public int TimesOpened => Volatile.Read(ref _opened);

    /// <summary>
    /// Returns when <paramref name="conversation"/> may try to connect: at once while closed; after the break, as
    /// the one probe or once the probe succeeded.
    /// </summary>
    /// <exception cref="GeminiLiveException">The break outlasts <paramref name="maxWait"/>.</exception>
    public async ValueTask EnterAsync(object conversation, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(Math.Max(maxWait.TotalSeconds, 0) * _time.TimestampFrequency);
        while (true)
        {
            Task changed;
            TimeSpan wait;
            lock (_lock)
            {
                var state = StateLocked();
                if (state == GeminiBreakerState.Closed || ReferenceEquals(_probe, conversation))
                {
                    return;
                }

                if (state == GeminiBreakerState.HalfOpen && _probe is null)
                {
                    _probe = conversation;
                    return;
                }

                changed = _changed.Task;
                var now = _time.GetTimestamp();
                wait = state == GeminiBreakerState.Open ? _time.GetElapsedTime(now, _openUntil) : Timeout.InfiniteTimeSpan;
                var left = _time.GetElapsedTime(now, deadline);
                if (left <= TimeSpan.Zero)
                {
                    throw new GeminiLiveException(GeminiFailureKind.Transient,
                        "Gemini Live is failing for several conversations at once; the reconnect budget ran out while waiting for it to recover.");
                }

                wait = wait == Timeout.InfiniteTimeSpan || wait > left ? left : wait;
            }

            try
            {
                await changed.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The break is over or the budget ran out: look again.
            }
        }
    }

    /// <summary>A connect of <paramref name="conversation"/> succeeded (or it served a turn).</summary>
    public void Succeeded(object conversation)
    {
        lock (_lock)
        {
            _failedAt.Clear();
            if (_probe is not null || _openUntil != 0)
            {
                _probe = null;
                _openUntil = 0;
                SignalLocked();
            }
        }
    }

    /// <summary>A connect of <paramref name="conversation"/> failed, or its connection dropped before serving a turn.</summary>
    public void Failed(object conversation)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (ReferenceEquals(_probe, conversation))
            {
                _probe = null;
                OpenLocked(now);
                return;
            }

            if (StateLocked() != GeminiBreakerState.Closed)
            {
                return;
            }

            _failedAt[conversation] = now;
            foreach (var (key, at) in _failedAt.ToList())
            {
                if (_time.GetElapsedTime(at, now) > _window)
                {
                    _failedAt.Remove(key);
                }
            }

            if (_failedAt.Count >= _conversations)
            {
                OpenLocked(now);
            }
        }
    }

    /// <summary>The conversation stopped trying (disposed, failed for good): a probe it held is handed on.</summary>
    public void Leave(object conversation)
    {
        lock (_lock)
        {
            _failedAt.Remove(conversation);
            if (ReferenceEquals(_probe, conversation))
            {
                _probe = null;
                SignalLocked();
            }
        }
    }

    private GeminiBreakerState StateLocked()
    {
        if (_openUntil == 0)
        {
            return GeminiBreakerState.Closed;
        }

        return _time.GetTimestamp() < _openUntil ? GeminiBreakerState.Open : GeminiBreakerState.HalfOpen;
    }

    private void OpenLocked(long now)
    {
        _failedAt.Clear();
        _openUntil = now + (long)(_breakFor.TotalSeconds * _time.TimestampFrequency);
        Interlocked.Increment(ref _opened);
        SignalLocked();
    }

    private void SignalLocked()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Where a <see cref="GeminiServiceBreaker"/> is.</summary>
internal enum GeminiBreakerState
{
    /// <summary>Everyone connects.</summary>
    Closed,
    /// <summary>Nobody connects until the break is over.</summary>
    Open,
    /// <summary>The break is over: one conversation probes, the others wait for its outcome.</summary>
    HalfOpen,
}
