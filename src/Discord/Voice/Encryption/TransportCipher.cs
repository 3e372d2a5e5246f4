namespace Chorus.Discord.Voice.Encryption;

/// <summary>
/// One AEAD keyed with the session's secret key. Ciphertext and tag are contiguous (ciphertext ‖ tag),
/// which is how the rtpsize modes lay them out on the wire.
/// </summary>
internal abstract class TransportCipher : IDisposable
{
    public const int KeyLength = 32;
    public const int TagLength = 16;
    public const int NonceSuffixLength = 4;

    public abstract string Mode { get; }

    /// <summary>Full nonce length: the 4-byte counter at offset 0, the rest zeros.</summary>
    public abstract int NonceLength { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertextAndTag"/> (plaintext length + 16).</summary>
    public abstract void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag);

    /// <summary>Returns false when authentication fails; never throws for hostile input.</summary>
    public abstract bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext);

    public static TransportCipher Create(string mode, ReadOnlySpan<byte> secretKey) => mode switch
    {
        TransportEncryptionMode.Aes256GcmRtpSize => new AesGcmTransportCipher(secretKey),
        TransportEncryptionMode.XChaCha20Poly1305RtpSize => new XChaCha20Poly1305TransportCipher(secretKey),
        _ => throw new NotSupportedException($"Unsupported voice encryption mode '{mode}'."),
    };

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
