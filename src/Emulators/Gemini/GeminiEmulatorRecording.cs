namespace Chorus.Emulators.Gemini;

/// <summary>What the emulator saw, for assertions and latency measurement. Thread-safe snapshots.</summary>
public sealed class GeminiEmulatorRecording
{
    private readonly Lock _lock = new();
    private readonly List<GeminiEmulatorConnection> _connections = [];
    private readonly List<GeminiEmulatorTurn> _turns = [];
    private readonly List<TaskCompletionSource> _changed = [];
    private int _attempts;

    /// <summary>WebSocket upgrade requests, including the ones refused.</summary>
    public int ConnectionAttempts => Volatile.Read(ref _attempts);

    public IReadOnlyList<GeminiEmulatorConnection> Connections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections];
            }
        }
    }

    public IReadOnlyList<GeminiEmulatorTurn> Turns
    {
        get
        {
            lock (_lock)
            {
                return [.. _turns];
            }
        }
    }

    /// <summary>All user audio the emulator processed, across connections, in arrival order.</summary>
    public byte[] AllAudio()
    {
        using var all = new MemoryStream();
        foreach (var connection in Connections)
        {
            all.Write(connection.AudioReceived());
        }

        return all.ToArray();
    }

    /// <summary>Waits until <paramref name="condition"/> holds; re-checked whenever anything is recorded.</summary>
    public async Task WaitUntilAsync(Func<GeminiEmulatorRecording, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            TaskCompletionSource changed;
            lock (_lock)
            {
                changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _changed.Add(changed);
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.Task.WaitAsync(cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Emulator condition not met within {timeout}.");
            }
        }
    }

    internal int Attempt() => Interlocked.Increment(ref _attempts);

    internal void Add(GeminiEmulatorConnection connection)
    {
        lock (_lock)
        {
            _connections.Add(connection);
        }

        Changed();
    }

    internal void Add(GeminiEmulatorTurn turn)
    {
        lock (_lock)
        {
            _turns.Add(turn);
        }

        Changed();
    }

    internal void Changed()
    {
        TaskCompletionSource[] waiting;
        lock (_lock)
        {
            waiting = [.. _changed];
            _changed.Clear();
        }

        foreach (var waiter in waiting)
        {
            waiter.TrySetResult();
        }
    }
}
