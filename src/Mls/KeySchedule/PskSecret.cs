using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.KeySchedule;

/// <summary>psk_secret from a list of pre-shared keys (RFC 9420 §8.4). DAVE uses none (all-zero secret); kept for conformance.</summary>
internal static class PskSecret
{
    public static byte[] Compute(IReadOnlyList<(PreSharedKeyId Id, byte[] Psk)> psks)
    {
        var secret = new byte[CipherSuite.HashLength];
        for (var i = 0; i < psks.Count; i++)
        {
            var extracted = CipherSuite.Extract(new byte[CipherSuite.HashLength], psks[i].Psk);
            var label = new TlsWriter();
            psks[i].Id.Write(label);
            label.WriteU16((ushort)i);
            label.WriteU16((ushort)psks.Count);
            var input = CipherSuite.ExpandWithLabel(extracted, "derived psk", label.WrittenSpan, CipherSuite.HashLength);
            secret = CipherSuite.Extract(input, secret);
        }

        return secret;
    }
}
