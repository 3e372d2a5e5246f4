using System.Security.Cryptography;

namespace Chorus.Mls.Crypto;

/// <summary>DHKEM(P-256) key pair: 32-byte private scalar, 65-byte uncompressed public point.</summary>
internal sealed class HpkeKeyPair : IDisposable
{
    private readonly ECDiffieHellman _key;

    private HpkeKeyPair(ECDiffieHellman key, byte[] privateKey, byte[] publicKey)
    {
        _key = key;
        PrivateKey = privateKey;
        PublicKey = publicKey;
    }

    public byte[] PrivateKey { get; }

    public byte[] PublicKey { get; }

    public static HpkeKeyPair Generate()
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(true);
        return new HpkeKeyPair(key, parameters.D!, P256.EncodePoint(parameters.Q));
    }

    public static HpkeKeyPair FromPrivateKey(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != P256.ScalarLength || !P256.IsValidScalar(scalar))
        {
            throw new MlsException("Invalid P-256 HPKE private key.");
        }

        try
        {
            var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar.ToArray() });
            return new HpkeKeyPair(key, scalar.ToArray(), P256.EncodePoint(key.ExportParameters(false).Q));
        }
        catch (CryptographicException e)
        {
            throw new MlsException("Invalid P-256 HPKE private key.", e);
        }
    }

    /// <summary>DH(sk, pk): the raw x-coordinate of the shared point.</summary>
    public byte[] Agree(ReadOnlySpan<byte> peerPublicKey)
    {
        try
        {
            using var peer = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = P256.DecodePoint(peerPublicKey) });
            return _key.DeriveRawSecretAgreement(peer.PublicKey);
        }
        catch (CryptographicException e)
        {
            throw new MlsException("Invalid P-256 public key.", e);
        }
    }

    public void Dispose() => _key.Dispose();
}
