namespace Chorus.Discord.Voice;

/// <summary>No end-to-end encryption: frames pass unchanged (DAVE protocol version 0).</summary>
internal sealed class PassthroughFrameCryptor : IVoiceFrameCryptor
{
    public static PassthroughFrameCryptor Instance { get; } = new();

    public int GetMaxEncryptedLength(int frameLength) => frameLength;

    public bool TryEncrypt(ReadOnlySpan<byte> opusFrame, Span<byte> destination, out int written)
    {
        return Copy(opusFrame, destination, out written);
    }

    public bool TryDecrypt(ulong userId, ReadOnlySpan<byte> frame, Span<byte> destination, out int written)
    {
        return Copy(frame, destination, out written);
    }

    private static bool Copy(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        if (!source.TryCopyTo(destination))
        {
            return false;
        }

        written = source.Length;
        return true;
    }
}
