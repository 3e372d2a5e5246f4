using NSec.Cryptography;

namespace Chorus.Discord.Voice.Encryption;

/// <summary><c>aead_xchacha20_poly1305_rtpsize</c>: XChaCha20-Poly1305 (libsodium through NSec), 24-byte nonce, 16-byte tag.</summary>
internal sealed class XChaCha20Poly1305TransportCipher : TransportCipher
{
    private static readonly AeadAlgorithm Algorithm = AeadAlgorithm.XChaCha20Poly1305;
    private readonly Key _key;

    public XChaCha20Poly1305TransportCipher(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != KeyLength)
        {
            throw new ArgumentException("The voice secret key must be 32 bytes.", nameof(secretKey));
        }

        _key = Key.Import(Algorithm, secretKey, KeyBlobFormat.RawSymmetricKey);
    }

    public override string Mode => TransportEncryptionMode.XChaCha20Poly1305RtpSize;

    public override int NonceLength => 24;

    public override void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> ciphertextAndTag)
    {
        Algorithm.Encrypt(_key, nonce, associatedData, plaintext, ciphertextAndTag[..(plaintext.Length + TagLength)]);
    }

    public override bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertextAndTag, Span<byte> plaintext)
    {
        var length = ciphertextAndTag.Length - TagLength;
        if (length < 0)
        {
            return false;
        }

        return Algorithm.Decrypt(_key, nonce, associatedData, ciphertextAndTag, plaintext[..length]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }
    }
}
