namespace Chorus.Emulators.Discord;

/// <summary>An append-only record of what the emulator saw, with awaitable matches (tests wait on these, never sleep).</summary>
public sealed class RecordLog<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Completion)> _waiters = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. _items];
        }
    }

    internal void Add(T item)
    {
        List<TaskCompletionSource<T>> completed = [];
        lock (_lock)
        {
            _items.Add(item);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(item))
                {
                    completed.Add(_waiters[i].Completion);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var completion in completed)
        {
            completion.TrySetResult(item);
        }
    }

    /// <summary>Waits for the first item (already recorded or future) that matches.</summary>
    public Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            foreach (var item in _items)
            {
                if (match(item))
                {
                    return Task.FromResult(item);
                }
            }

            _waiters.Add((match, completion));
        }

        return completion.Task.WaitAsync(timeout);
    }

    /// <summary>Waits until at least <paramref name="count"/> matching items have been recorded.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan timeout, Func<T, bool>? match = null)
    {
        match ??= static _ => true;
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task<T> next;
            lock (_lock)
            {
                List<T> matching = [.. _items.Where(match)];
                if (matching.Count >= count)
                {
                    return matching;
                }

                var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((match, completion));
                next = completion.Task;
            }

            await next.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
    }
}
