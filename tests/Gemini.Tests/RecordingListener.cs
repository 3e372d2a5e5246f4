using Chorus.Gemini.Events;

namespace Chorus.Gemini.Tests;

/// <summary>Keeps everything a session or conversation delivered; tests await conditions on it.</summary>
internal sealed class RecordingListener : IGeminiLiveListener
{
    private readonly Lock _lock = new();
    private readonly List<GeminiEvent> _events = [];
    private readonly MemoryStream _audio = new();
    private readonly List<TaskCompletionSource> _waiters = [];

    public int AudioCalls { get; private set; }

    public IReadOnlyList<GeminiEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public long AudioBytes
    {
        get
        {
            lock (_lock)
            {
                return _audio.Length;
            }
        }
    }

    public byte[] Audio()
    {
        lock (_lock)
        {
            return _audio.ToArray();
        }
    }

    public void OnAudio(ReadOnlySpan<byte> pcm24k)
    {
        lock (_lock)
        {
            _audio.Write(pcm24k);
            AudioCalls++;
        }

        Wake();
    }

    public void OnEvent(GeminiEvent liveEvent)
    {
        lock (_lock)
        {
            _events.Add(liveEvent);
        }

        Wake();
    }

    public int Count<T>(Func<T, bool>? predicate = null) where T : GeminiEvent =>
        Events.OfType<T>().Count(e => predicate is null || predicate(e));

    public Task<T> WaitForAsync<T>(Func<T, bool>? predicate = null, int occurrence = 1, int timeoutSeconds = 10) where T : GeminiEvent =>
        WaitUntilAsync(() => Events.OfType<T>().Where(e => predicate is null || predicate(e)).Skip(occurrence - 1).FirstOrDefault(), typeof(T).Name, timeoutSeconds);

    public Task WaitForAudioAsync(long bytes, int timeoutSeconds = 10) =>
        WaitUntilAsync(() => AudioBytes >= bytes ? this : null, $"{bytes} audio bytes", timeoutSeconds);

    public async Task<T> WaitUntilAsync<T>(Func<T?> probe, string what, int timeoutSeconds = 10) where T : class
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_lock)
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(waiter);
            }

            if (probe() is { } found)
            {
                return found;
            }

            try
            {
                await waiter.Task.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}; got: {string.Join(", ", Events.Select(e => e.GetType().Name))}, audio {AudioBytes} bytes");
            }
        }
    }

    private void Wake()
    {
        TaskCompletionSource[] waiters;
        lock (_lock)
        {
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }
}
