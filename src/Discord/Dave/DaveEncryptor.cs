using System.Buffers.Binary;

namespace Chorus.Discord.Dave;

/// <summary>
/// Encrypts our outgoing Opus frames: AES-128-GCM, 8-byte tag, pre-incremented 32-bit nonce (little-endian at offset 8 of
/// the GCM nonce), key generation = nonce top byte plus 256 per counter wrap. Allocates only when the key generation changes.
/// </summary>
internal sealed class DaveEncryptor : IDisposable
{
    private DaveKeyRatchet? _ratchet;
    private TruncatedAesGcm? _cipher;
    private uint _cipherGeneration;
    private uint _nonce;
    private uint _wraps;

    public bool HasKey => _ratchet is not null;

    public long FramesEncrypted { get; private set; }

    /// <summary>Output buffer size that always fits the encrypted form of a frame of <paramref name="frameLength"/> bytes.</summary>
    public static int MaxOutputSize(int frameLength) => frameLength + DaveMedia.MaxOverhead;

    /// <summary>Switches to a new epoch's ratchet (or none); the nonce counter restarts.</summary>
    public void SetRatchet(DaveKeyRatchet? ratchet)
    {
        _ratchet = ratchet;
        _cipher?.Dispose();
        _cipher = null;
        _nonce = 0;
        _wraps = 0;
    }

    /// <summary>Writes the protocol frame for <paramref name="opus"/> into <paramref name="output"/> and returns its length. Silence passes unchanged.</summary>
    public int Encrypt(ReadOnlySpan<byte> opus, Span<byte> output)
    {
        if (DaveMedia.IsSilence(opus))
        {
            opus.CopyTo(output);
            return opus.Length;
        }

        if (_ratchet is null)
        {
            throw new InvalidOperationException("No DAVE key ratchet for encryption yet.");
        }

        if (output.Length < MaxOutputSize(opus.Length))
        {
            throw new ArgumentException("Output buffer too small.", nameof(output));
        }

        unchecked
        {
            _nonce++;
            if (_nonce == 0)
            {
                _wraps++;
            }
        }

        var generation = (_wraps << 8) + (_nonce >> DaveMedia.GenerationShift);
        if (_cipher is null || generation != _cipherGeneration)
        {
            var key = _ratchet.GetKey(generation) ?? throw new InvalidOperationException("Key generation no longer available.");
            _cipher?.Dispose();
            if (_cipherGeneration != generation)
            {
                _ratchet.Erase(_cipherGeneration);
            }

            _cipher = new TruncatedAesGcm(key);
            _cipherGeneration = generation;
        }

        Span<byte> nonce = stackalloc byte[DaveMedia.NonceLength];
        nonce.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(nonce[DaveMedia.TruncatedNonceOffset..], _nonce);
        var length = opus.Length;
        _cipher.Encrypt(nonce, opus, output[..length], output.Slice(length, DaveMedia.TagLength));
        var position = length + DaveMedia.TagLength;
        var nonceSize = Uleb128.Write(_nonce, output[position..]);
        position += nonceSize;
        output[position++] = (byte)(DaveMedia.TagLength + nonceSize + 1 + 2);
        output[position++] = DaveMedia.MarkerByte;
        output[position++] = DaveMedia.MarkerByte;
        FramesEncrypted++;
        return position;
    }

    /// <summary>Test hook: continue as if <paramref name="nonce"/> frames had been sent (generation and wrap handling).</summary>
    internal void SkipToNonce(uint nonce, uint wraps = 0)
    {
        _nonce = nonce;
        _wraps = wraps;
    }

    public void Dispose()
    {
        _cipher?.Dispose();
        _cipher = null;
    }
}
