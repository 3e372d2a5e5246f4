using System.Security.Cryptography;
using System.Text;
using Chorus.Mls.Codec;

namespace Chorus.Mls.Crypto;

/// <summary>
/// MLS_128_DHKEMP256_AES128GCM_SHA256_P256 (cipher suite 2), the only suite DAVE uses, and the labeled
/// derivations of RFC 9420 §5 built on it.
/// </summary>
public static class CipherSuite
{
    /// <summary>The cipher suite's registry value (2).</summary>
    public const ushort Id = 2;
    /// <summary>ProtocolVersion mls10 (1), the only MLS version.</summary>
    public const ushort ProtocolVersion = 1;
    /// <summary>SHA-256 output length in bytes (Nh).</summary>
    public const int HashLength = 32;
    /// <summary>AES-128-GCM key length in bytes (Nk).</summary>
    public const int KeyLength = 16;
    /// <summary>AES-128-GCM nonce length in bytes (Nn).</summary>
    public const int NonceLength = 12;
    /// <summary>AES-128-GCM authentication tag length in bytes.</summary>
    public const int TagLength = 16;

    private static readonly byte[] LabelPrefix = "MLS 1.0 "u8.ToArray();

    internal static byte[] Hash(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    internal static byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    internal static bool VerifyMac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> tag)
    {
        Span<byte> expected = stackalloc byte[HashLength];
        HMACSHA256.HashData(key, data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, tag);
    }

    internal static byte[] Extract(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> ikm) => HMACSHA256.HashData(salt, ikm);

    /// <summary>HKDF-Expand written out because the BCL rejects PRKs shorter than the hash length (MLS uses 16-byte secrets).</summary>
    public static byte[] Expand(ReadOnlySpan<byte> prk, ReadOnlySpan<byte> info, int length)
    {
        if (length < 0 || length > 255 * HashLength)
        {
            throw new MlsException("HKDF-Expand length out of range.");
        }

        var output = new byte[length];
        if (length <= HashLength)
        {
            // One block (the usual case): T(1) = HMAC(prk, info ‖ 0x01) in a single one-shot call.
            var input = info.Length < 512 ? stackalloc byte[info.Length + 1] : new byte[info.Length + 1];
            info.CopyTo(input);
            input[^1] = 1;
            Span<byte> block = stackalloc byte[HashLength];
            HMACSHA256.HashData(prk, input, block);
            block[..length].CopyTo(output);
            return output;
        }

        Span<byte> previous = stackalloc byte[HashLength];
        var previousLength = 0;
        var written = 0;
        byte counter = 1;
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, prk);
        while (written < length)
        {
            hmac.AppendData(previous[..previousLength]);
            hmac.AppendData(info);
            hmac.AppendData([counter]);
            hmac.GetHashAndReset(previous);
            previousLength = HashLength;
            var take = Math.Min(HashLength, length - written);
            previous[..take].CopyTo(output.AsSpan(written));
            written += take;
            counter++;
        }

        return output;
    }

    private static void WriteLabel(TlsWriter writer, string label)
    {
        var bytes = Encoding.ASCII.GetBytes(label);
        writer.WriteVarint(LabelPrefix.Length + bytes.Length);
        writer.WriteBytes(LabelPrefix);
        writer.WriteBytes(bytes);
    }

    /// <summary>ExpandWithLabel(secret, label, context, length) of RFC 9420 §8: HKDF-Expand with the label prefixed by "MLS 1.0 "; <paramref name="length"/> is in bytes.</summary>
    public static byte[] ExpandWithLabel(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var info = new TlsWriter(64 + context.Length);
        info.WriteU16(checked((ushort)length));
        WriteLabel(info, label);
        info.WriteOpaque(context);
        return Expand(secret, info.WrittenSpan, length);
    }

    internal static byte[] DeriveSecret(ReadOnlySpan<byte> secret, string label) => ExpandWithLabel(secret, label, [], HashLength);

    /// <summary>DeriveTreeSecret(secret, label, generation, length) of RFC 9420 §9: ExpandWithLabel with the big-endian generation as context; <paramref name="length"/> is in bytes.</summary>
    public static byte[] DeriveTreeSecret(ReadOnlySpan<byte> secret, string label, uint generation, int length)
    {
        Span<byte> context = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(context, generation);
        return ExpandWithLabel(secret, label, context, length);
    }

    /// <summary>RefHash(label, value) with the full label given (e.g. "MLS 1.0 Proposal Reference").</summary>
    public static byte[] RefHash(string label, ReadOnlySpan<byte> value)
    {
        var input = new TlsWriter(64 + value.Length);
        input.WriteOpaque(Encoding.ASCII.GetBytes(label));
        input.WriteOpaque(value);
        return Hash(input.WrittenSpan);
    }

    internal static byte[] KeyPackageRef(ReadOnlySpan<byte> encodedKeyPackage) => RefHash("MLS 1.0 KeyPackage Reference", encodedKeyPackage);

    internal static byte[] ProposalRef(ReadOnlySpan<byte> encodedAuthenticatedContent) => RefHash("MLS 1.0 Proposal Reference", encodedAuthenticatedContent);

    private static byte[] LabeledContent(string label, ReadOnlySpan<byte> content)
    {
        var writer = new TlsWriter(64 + content.Length);
        WriteLabel(writer, label);
        writer.WriteOpaque(content);
        return writer.ToArray();
    }

    internal static byte[] SignWithLabel(SignatureKeyPair key, string label, ReadOnlySpan<byte> content) =>
        key.Sign(LabeledContent(label, content));

    internal static bool VerifyWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> content, ReadOnlySpan<byte> signature) =>
        SignatureKeyPair.Verify(publicKey, LabeledContent(label, content), signature);

    internal static HpkeCiphertext EncryptWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> context, ReadOnlySpan<byte> plaintext) =>
        Hpke.SealBase(publicKey, LabeledContent(label, context), [], plaintext);

    internal static byte[] DecryptWithLabel(HpkeKeyPair key, string label, ReadOnlySpan<byte> context, ReadOnlySpan<byte> kemOutput, ReadOnlySpan<byte> ciphertext) =>
        Hpke.OpenBase(key, kemOutput, LabeledContent(label, context), [], ciphertext);

    internal static byte[] AeadSeal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        return output;
    }

    internal static byte[] AeadOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < TagLength)
        {
            throw new MlsException("AEAD ciphertext shorter than its tag.");
        }

        var plaintext = new byte[ciphertext.Length - TagLength];
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(nonce, ciphertext[..plaintext.Length], ciphertext[plaintext.Length..], plaintext, aad);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new MlsException("AEAD authentication failed.", e);
        }

        return plaintext;
    }
}
