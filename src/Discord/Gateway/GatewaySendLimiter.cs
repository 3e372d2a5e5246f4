namespace Chorus.Discord.Gateway;

/// <summary>
/// Sliding window over the gateway's 120 events / 60 s per connection. Ordinary sends stop a few events short of the
/// limit so heartbeats, identify and resume (priority) always fit, as discord.js does with its budget of 115.
/// </summary>
internal sealed class GatewaySendLimiter
{
    public const int DiscordLimit = 120;
    public const int PriorityReserve = 5;

    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly Queue<long> _sent = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public GatewaySendLimiter(TimeProvider time, int limit = DiscordLimit, TimeSpan? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, PriorityReserve);
        _time = time;
        _limit = limit;
        _window = window ?? TimeSpan.FromSeconds(60);
    }

    public async ValueTask WaitAsync(bool priority, CancellationToken cancellationToken)
    {
        var allowed = priority ? _limit : _limit - PriorityReserve;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = _time.GetTimestamp();
                while (_sent.Count > 0 && _time.GetElapsedTime(_sent.Peek(), now) >= _window)
                {
                    _sent.Dequeue();
                }

                if (_sent.Count < allowed)
                {
                    _sent.Enqueue(now);
                    return;
                }

                var wait = _window - _time.GetElapsedTime(_sent.Peek(), now);
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
