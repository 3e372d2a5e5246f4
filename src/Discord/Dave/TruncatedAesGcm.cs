using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chorus.Discord.Dave;

/// <summary>
/// AES-128-GCM with the tag truncated to 8 bytes. .NET's AesGcm only takes 12-16 byte tags, so encryption keeps the first
/// 8 bytes of the full tag (GCM truncation is a prefix) and decryption runs the GCM keystream (AES-CTR from counter 2)
/// itself, then re-encrypts to recompute the tag and compares its prefix in constant time. No allocation per call.
/// </summary>
internal sealed class TruncatedAesGcm : IDisposable
{
    private const int StackLimit = 2048;
    private const int BlocksPerChunk = 16;
    private readonly AesGcm _gcm;
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[16 * BlocksPerChunk];
    private readonly byte[] _keystream = new byte[16 * BlocksPerChunk];

    public TruncatedAesGcm(ReadOnlySpan<byte> key)
    {
        _gcm = new AesGcm(key, 16);
        _aes = Aes.Create();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _aes.Key = key.ToArray();
        // A reusable transform: the span one-shot EncryptEcb creates a native cipher per call, which allocates.
        _ecb = _aes.CreateEncryptor();
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag8, ReadOnlySpan<byte> aad = default)
    {
        Span<byte> fullTag = stackalloc byte[16];
        _gcm.Encrypt(nonce, plaintext, ciphertext, fullTag, aad);
        fullTag[..DaveMedia.TagLength].CopyTo(tag8);
    }

    /// <summary>Decrypts into <paramref name="plaintext"/>; on a tag mismatch clears it and returns false.</summary>
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag8, Span<byte> plaintext, ReadOnlySpan<byte> aad = default)
    {
        if (nonce.Length != DaveMedia.NonceLength || tag8.Length != DaveMedia.TagLength || plaintext.Length < ciphertext.Length)
        {
            return false;
        }

        plaintext = plaintext[..ciphertext.Length];
        ApplyKeystream(nonce, ciphertext, plaintext);

        byte[]? rented = null;
        var check = ciphertext.Length <= StackLimit
            ? stackalloc byte[ciphertext.Length]
            : (rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length)).AsSpan(0, ciphertext.Length);
        Span<byte> fullTag = stackalloc byte[16];
        try
        {
            _gcm.Encrypt(nonce, plaintext, check, fullTag, aad);
            if (CryptographicOperations.FixedTimeEquals(fullTag[..DaveMedia.TagLength], tag8))
            {
                return true;
            }

            plaintext.Clear();
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>XORs the GCM keystream (AES of nonce ‖ counter, counter from 2) into <paramref name="output"/>.</summary>
    private void ApplyKeystream(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output)
    {
        var counters = _counters.AsSpan();
        var keystream = _keystream;
        uint counter = 2;
        for (var offset = 0; offset < input.Length; offset += counters.Length)
        {
            var chunk = Math.Min(counters.Length, input.Length - offset);
            var blocks = (chunk + 15) / 16;
            for (var b = 0; b < blocks; b++)
            {
                var block = counters.Slice(b * 16, 16);
                nonce.CopyTo(block);
                BinaryPrimitives.WriteUInt32BigEndian(block[12..], counter++);
            }

            _ecb.TransformBlock(_counters, 0, blocks * 16, keystream, 0);
            for (var i = 0; i < chunk; i++)
            {
                output[offset + i] = (byte)(input[offset + i] ^ keystream[i]);
            }
        }
    }

    public void Dispose()
    {
        _gcm.Dispose();
        _ecb.Dispose();
        _aes.Dispose();
    }
}
