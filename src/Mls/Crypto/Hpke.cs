using System.Buffers.Binary;

namespace Chorus.Mls.Crypto;

/// <summary>RFC 9180 HPKE, base mode only, for DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM.</summary>
internal static class Hpke
{
    private static readonly byte[] KemSuiteId = [(byte)'K', (byte)'E', (byte)'M', 0x00, 0x10];
    private static readonly byte[] HpkeSuiteId = [(byte)'H', (byte)'P', (byte)'K', (byte)'E', 0x00, 0x10, 0x00, 0x01, 0x00, 0x01];
    private static readonly byte[] Version = "HPKE-v1"u8.ToArray();

    private static byte[] LabeledExtract(byte[] suiteId, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm)
    {
        var input = new byte[Version.Length + suiteId.Length + label.Length + ikm.Length];
        var span = input.AsSpan();
        Version.CopyTo(span);
        suiteId.CopyTo(span[Version.Length..]);
        label.CopyTo(span[(Version.Length + suiteId.Length)..]);
        ikm.CopyTo(span[(Version.Length + suiteId.Length + label.Length)..]);
        return CipherSuite.Extract(salt, input);
    }

    private static byte[] LabeledExpand(byte[] suiteId, ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, int length)
    {
        var input = new byte[2 + Version.Length + suiteId.Length + label.Length + info.Length];
        var span = input.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        Version.CopyTo(span[2..]);
        suiteId.CopyTo(span[(2 + Version.Length)..]);
        label.CopyTo(span[(2 + Version.Length + suiteId.Length)..]);
        info.CopyTo(span[(2 + Version.Length + suiteId.Length + label.Length)..]);
        return CipherSuite.Expand(prk, input, length);
    }

    /// <summary>DeriveKeyPair(ikm) per RFC 9180 §7.1.3 (rejection sampling with bitmask 0xFF).</summary>
    public static HpkeKeyPair DeriveKeyPair(ReadOnlySpan<byte> ikm)
    {
        var prk = LabeledExtract(KemSuiteId, [], "dkp_prk"u8, ikm);
        for (var counter = 0; counter < 256; counter++)
        {
            var candidate = LabeledExpand(KemSuiteId, prk, "candidate"u8, [(byte)counter], P256.ScalarLength);
            if (P256.IsValidScalar(candidate))
            {
                return HpkeKeyPair.FromPrivateKey(candidate);
            }
        }

        throw new MlsException("DeriveKeyPair failed to find a valid scalar.");
    }

    private static byte[] ExtractAndExpand(ReadOnlySpan<byte> dh, ReadOnlySpan<byte> kemContext)
    {
        var prk = LabeledExtract(KemSuiteId, [], "eae_prk"u8, dh);
        return LabeledExpand(KemSuiteId, prk, "shared_secret"u8, kemContext, CipherSuite.HashLength);
    }

    private static (byte[] Key, byte[] Nonce) KeySchedule(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
    {
        var pskIdHash = LabeledExtract(HpkeSuiteId, [], "psk_id_hash"u8, []);
        var infoHash = LabeledExtract(HpkeSuiteId, [], "info_hash"u8, info);
        var context = new byte[1 + pskIdHash.Length + infoHash.Length];
        context[0] = 0;
        pskIdHash.CopyTo(context, 1);
        infoHash.CopyTo(context, 1 + pskIdHash.Length);
        var secret = LabeledExtract(HpkeSuiteId, sharedSecret, "secret"u8, []);
        var key = LabeledExpand(HpkeSuiteId, secret, "key"u8, context, CipherSuite.KeyLength);
        var nonce = LabeledExpand(HpkeSuiteId, secret, "base_nonce"u8, context, CipherSuite.NonceLength);
        return (key, nonce);
    }

    public static HpkeCiphertext SealBase(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        using var ephemeral = HpkeKeyPair.Generate();
        return SealBase(ephemeral, recipientPublicKey, info, aad, plaintext);
    }

    /// <summary>Seal with a caller-chosen ephemeral key (deterministic tests).</summary>
    public static HpkeCiphertext SealBase(HpkeKeyPair ephemeral, ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        var dh = ephemeral.Agree(recipientPublicKey);
        var enc = ephemeral.PublicKey;
        var kemContext = new byte[enc.Length + recipientPublicKey.Length];
        enc.CopyTo(kemContext, 0);
        recipientPublicKey.CopyTo(kemContext.AsSpan(enc.Length));
        var shared = ExtractAndExpand(dh, kemContext);
        var (key, nonce) = KeySchedule(shared, info);
        return new HpkeCiphertext(enc, CipherSuite.AeadSeal(key, nonce, aad, plaintext));
    }

    public static byte[] OpenBase(HpkeKeyPair recipient, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        var dh = recipient.Agree(enc);
        var kemContext = new byte[enc.Length + recipient.PublicKey.Length];
        enc.CopyTo(kemContext);
        recipient.PublicKey.CopyTo(kemContext, enc.Length);
        var shared = ExtractAndExpand(dh, kemContext);
        var (key, nonce) = KeySchedule(shared, info);
        return CipherSuite.AeadOpen(key, nonce, aad, ciphertext);
    }
}
