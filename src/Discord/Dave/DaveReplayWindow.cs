namespace Chorus.Discord.Dave;

/// <summary>
/// Replay protection over generation-widened nonces: the newest accepted nonce plus up to 1000 older ones not yet seen.
/// Fixed-size ring buffer, no allocation after construction.
/// </summary>
internal sealed class DaveReplayWindow
{
    public const int MaxMissing = 1000;

    private readonly ulong[] _missing = new ulong[MaxMissing];
    private int _start;
    private int _count;
    private ulong _newest;
    private bool _any;

    public bool CanAccept(ulong nonce)
    {
        if (!_any || nonce > _newest)
        {
            return true;
        }

        return IndexOfMissing(nonce) >= 0;
    }

    public void Accept(ulong nonce)
    {
        if (!_any || nonce > _newest)
        {
            if (_any)
            {
                var from = nonce - _newest > MaxMissing ? nonce - MaxMissing : _newest + 1;
                for (var missing = from; missing < nonce; missing++)
                {
                    Push(missing);
                }
            }

            _newest = nonce;
            _any = true;
            return;
        }

        var index = IndexOfMissing(nonce);
        if (index >= 0)
        {
            // Mark as seen with a value no widened nonce reaches (generation < 2^40).
            _missing[(_start + index) % MaxMissing] = ulong.MaxValue;
        }
    }

    private void Push(ulong value)
    {
        if (_count == MaxMissing)
        {
            _start = (_start + 1) % MaxMissing;
            _count--;
        }

        _missing[(_start + _count) % MaxMissing] = value;
        _count++;
    }

    private int IndexOfMissing(ulong nonce)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_missing[(_start + i) % MaxMissing] == nonce)
            {
                return i;
            }
        }

        return -1;
    }
}
