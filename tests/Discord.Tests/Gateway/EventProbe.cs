using System.Collections.Concurrent;

namespace Chorus.Discord.Tests.Gateway;

/// <summary>Collects events raised by a client and lets a test await the n-th matching one.</summary>
internal sealed class EventProbe<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly SemaphoreSlim _signal = new(0);

    public void Add(T item)
    {
        _items.Enqueue(item);
        _signal.Release();
    }

    public IReadOnlyList<T> Items => [.. _items];

    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var found = _items.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await _signal.WaitAsync(deadline.Token);
        }
    }

    public async Task WaitForCountAsync(int count, Func<T, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (_items.Count(match) < count)
        {
            await _signal.WaitAsync(deadline.Token);
        }
    }
}
