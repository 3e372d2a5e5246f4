using System.Security.Cryptography;

namespace Chorus.Mls.Crypto;

/// <summary>ECDSA P-256 / SHA-256 signing key; public key as an uncompressed SEC1 point, signatures DER-encoded as MLS implementations expect.</summary>
public sealed class SignatureKeyPair : IDisposable
{
    private readonly ECDsa _key;

    private SignatureKeyPair(ECDsa key, byte[] publicKey)
    {
        _key = key;
        PublicKey = publicKey;
    }

    internal byte[] PublicKey { get; }

    /// <summary>A fresh random P-256 key pair.</summary>
    public static SignatureKeyPair Generate()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SignatureKeyPair(key, P256.EncodePoint(key.ExportParameters(false).Q));
    }

    /// <summary>Imports a 32-byte big-endian private scalar.</summary>
    public static SignatureKeyPair FromPrivateKey(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != 32)
        {
            throw new MlsException("P-256 private key must be 32 bytes.");
        }

        try
        {
            var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar.ToArray() });
            return new SignatureKeyPair(key, P256.EncodePoint(key.ExportParameters(false).Q));
        }
        catch (CryptographicException e)
        {
            throw new MlsException("Invalid P-256 private key.", e);
        }
    }

    internal byte[] ExportPrivateKey() => _key.ExportParameters(true).D!;

    internal byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    private const int VerifierCacheSize = 64;

    // Importing a public key costs far more than verifying with it (OpenSSL 3 key import and point checks), and the same
    // keys (delivery service, committers) verify again and again. Per thread, so ECDsa instances are never shared across threads.
    [ThreadStatic]
    private static Dictionary<string, ECDsa>? _threadVerifiers;

    private static ECDsa Verifier(ReadOnlySpan<byte> publicKey)
    {
        var cache = _threadVerifiers ??= new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        var id = Convert.ToHexString(publicKey);
        if (cache.TryGetValue(id, out var key))
        {
            return key;
        }

        key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = P256.DecodePoint(publicKey) });
        if (cache.Count >= VerifierCacheSize)
        {
            foreach (var old in cache.Values)
            {
                old.Dispose();
            }

            cache.Clear();
        }

        cache[id] = key;
        return key;
    }

    internal static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return Verifier(publicKey).VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (MlsException)
        {
            return false;
        }
    }

    /// <summary>Releases the private key.</summary>
    public void Dispose() => _key.Dispose();
}
