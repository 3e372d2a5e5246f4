namespace Chorus.TestSupport;

/// <summary>
/// Waiting in tests without sleeping: await a signal with a timeout, or re-check a condition each time something it
/// depends on reports a change. A timeout throws <see cref="TimeoutException"/> saying what did not happen.
/// </summary>
public static class Wait
{
    /// <summary>Awaits <paramref name="signal"/> for at most <paramref name="timeout"/>.</summary>
    public static async Task ForAsync(Task signal, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(signal);
        try
        {
            await signal.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.", ex);
        }
    }

    /// <summary>Awaits <paramref name="signal"/> for at most <paramref name="timeout"/> and returns its result.</summary>
    public static async Task<T> ForAsync<T>(Task<T> signal, TimeSpan timeout, string what)
    {
        await ForAsync((Task)signal, timeout, what).ConfigureAwait(false);
        return await signal.ConfigureAwait(false);
    }

    /// <summary>
    /// Completes when <paramref name="condition"/> holds. It is checked at once and then again only after
    /// <paramref name="changed"/> reports a change; fails after <paramref name="timeout"/> with <paramref name="describe"/>.
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, ChangeSignal changed, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), changed, timeout, describe);

    /// <inheritdoc cref="UntilAsync(Func{bool}, ChangeSignal, TimeSpan, Func{string})"/>
    public static async Task UntilAsync(Func<Task<bool>> condition, ChangeSignal changed, TimeSpan timeout, Func<string> describe)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(describe);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            // Taken before the check: a change that lands between the check and the wait completes this task.
            var next = changed.Next;
            if (await condition().ConfigureAwait(false))
            {
                return;
            }

            try
            {
                await next.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {describe()}.");
            }
        }
    }

    /// <summary>
    /// Like <see cref="UntilAsync(Func{bool}, ChangeSignal, TimeSpan, Func{string})"/>, re-checking whenever the event
    /// wired by <paramref name="subscribe"/> fires (unwired by <paramref name="unsubscribe"/> when the wait ends).
    /// </summary>
    public static Task UntilAsync(
        Func<bool> condition, Action<Action> subscribe, Action<Action> unsubscribe, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), subscribe, unsubscribe, timeout, describe);

    /// <inheritdoc cref="UntilAsync(Func{bool}, Action{Action}, Action{Action}, TimeSpan, Func{string})"/>
    public static async Task UntilAsync(
        Func<Task<bool>> condition, Action<Action> subscribe, Action<Action> unsubscribe, TimeSpan timeout, Func<string> describe)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        ArgumentNullException.ThrowIfNull(unsubscribe);
        var changed = new ChangeSignal();
        Action notify = changed.Notify;
        subscribe(notify);
        try
        {
            await UntilAsync(condition, changed, timeout, describe).ConfigureAwait(false);
        }
        finally
        {
            unsubscribe(notify);
        }
    }
}
