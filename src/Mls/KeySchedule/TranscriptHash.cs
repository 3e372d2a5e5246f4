using Chorus.Mls.Crypto;
using Chorus.Mls.Messages;

namespace Chorus.Mls.KeySchedule;

/// <summary>Confirmed and interim transcript hashes (RFC 9420 §8.2).</summary>
internal static class TranscriptHash
{
    public static byte[] Confirmed(ReadOnlySpan<byte> previousInterim, AuthenticatedContent commit)
    {
        var input = commit.ConfirmedTranscriptHashInput();
        var buffer = new byte[previousInterim.Length + input.Length];
        previousInterim.CopyTo(buffer);
        input.CopyTo(buffer, previousInterim.Length);
        return CipherSuite.Hash(buffer);
    }

    public static byte[] Interim(ReadOnlySpan<byte> confirmed, ReadOnlySpan<byte> confirmationTag)
    {
        var writer = new Codec.TlsWriter(confirmed.Length + confirmationTag.Length + 4);
        writer.WriteBytes(confirmed);
        writer.WriteOpaque(confirmationTag);
        return CipherSuite.Hash(writer.WrittenSpan);
    }
}
