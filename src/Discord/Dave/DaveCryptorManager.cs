namespace Chorus.Discord.Dave;

/// <summary>
/// Decryption state for one sender's ratchet in one epoch: generation bounds, per-generation ciphers with expiry and
/// replay protection (libdave's CryptorManager rules).
/// </summary>
internal sealed class DaveCryptorManager : IDisposable
{
    public const uint MaxGenerationGap = 250;
    public const long MaxFramesPerSecond = 170;
    public static readonly TimeSpan GenerationExpiry = TimeSpan.FromSeconds(10);

    private readonly DaveKeyRatchet _ratchet;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _created;
    private readonly Dictionary<uint, (TruncatedAesGcm Cipher, DateTimeOffset Expiry)> _ciphers = [];
    private readonly DaveReplayWindow _replay = new();
    private readonly List<uint> _expired = [];
    private uint _oldestGeneration;
    private uint _newestGeneration;

    public DaveCryptorManager(DaveKeyRatchet ratchet, TimeProvider time)
    {
        _ratchet = ratchet;
        _time = time;
        _created = time.GetUtcNow();
    }

    /// <summary>When set, this manager is dropped after that time (a newer epoch arrived).</summary>
    public DateTimeOffset? Expiry { get; set; }

    public uint WrappedGeneration(uint generationLowByte)
    {
        var factor = (_oldestGeneration / 256) + (generationLowByte < _oldestGeneration % 256 ? 1u : 0u);
        return (factor * 256) + generationLowByte;
    }

    public static ulong BigNonce(uint generation, uint nonce) => ((ulong)generation << DaveMedia.GenerationShift) | (nonce & 0xFFFFFFu);

    public bool CanProcess(ulong bigNonce) => _replay.CanAccept(bigNonce);

    /// <summary>Cipher for a (wrapped) generation, or null when out of the allowed window.</summary>
    public TruncatedAesGcm? GetCipher(uint generation)
    {
        if (generation < _oldestGeneration || generation > _newestGeneration + MaxGenerationGap)
        {
            return null;
        }

        var ageSeconds = (long)(_time.GetUtcNow() - _created).TotalSeconds;
        var maxLifetimeGeneration = (MaxFramesPerSecond * Math.Max(0, ageSeconds)) >> DaveMedia.GenerationShift;
        if (generation > maxLifetimeGeneration)
        {
            return null;
        }

        if (_ciphers.TryGetValue(generation, out var entry))
        {
            return entry.Cipher;
        }

        var key = _ratchet.GetKey(generation);
        if (key is null)
        {
            return null;
        }

        var cipher = new TruncatedAesGcm(key);
        _ciphers[generation] = (cipher, DateTimeOffset.MaxValue);
        return cipher;
    }

    public void ReportSuccess(uint generation, ulong bigNonce)
    {
        _replay.Accept(bigNonce);
        if (generation <= _newestGeneration && _ciphers.Count == 1)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (generation > _newestGeneration)
        {
            _newestGeneration = generation;
            foreach (var (g, entry) in _ciphers)
            {
                if (g < generation && entry.Expiry == DateTimeOffset.MaxValue)
                {
                    _expired.Add(g);
                }
            }

            foreach (var g in _expired)
            {
                _ciphers[g] = (_ciphers[g].Cipher, now + GenerationExpiry);
            }

            _expired.Clear();
        }

        foreach (var (g, entry) in _ciphers)
        {
            if (entry.Expiry <= now)
            {
                _expired.Add(g);
            }
        }

        foreach (var g in _expired)
        {
            _ciphers[g].Cipher.Dispose();
            _ciphers.Remove(g);
            _ratchet.Erase(g);
        }

        _expired.Clear();
        while (_oldestGeneration < _newestGeneration && !_ciphers.ContainsKey(_oldestGeneration))
        {
            _oldestGeneration++;
        }
    }

    public void Dispose()
    {
        foreach (var entry in _ciphers.Values)
        {
            entry.Cipher.Dispose();
        }

        _ciphers.Clear();
    }
}
