using System.Security.Cryptography;

namespace Chorus.Mls.Crypto;

/// <summary>SEC1 uncompressed point encoding and scalar range checks for P-256.</summary>
internal static class P256
{
    public const int ScalarLength = 32;
    public const int PointLength = 65;

    private static readonly byte[] Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    public static byte[] EncodePoint(ECPoint q)
    {
        var output = new byte[PointLength];
        output[0] = 0x04;
        q.X!.CopyTo(output, 1);
        q.Y!.CopyTo(output, 33);
        return output;
    }

    public static ECPoint DecodePoint(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != PointLength || encoded[0] != 0x04)
        {
            throw new MlsException("P-256 public key must be a 65-byte uncompressed point.");
        }

        return new ECPoint { X = encoded.Slice(1, 32).ToArray(), Y = encoded.Slice(33, 32).ToArray() };
    }

    /// <summary>True when 0 &lt; scalar &lt; n, compared as big-endian integers.</summary>
    public static bool IsValidScalar(ReadOnlySpan<byte> scalar)
    {
        if (scalar.IndexOfAnyExcept((byte)0) < 0)
        {
            return false;
        }

        return scalar.SequenceCompareTo(Order) < 0;
    }
}
