namespace Chorus.Discord.Dave;

/// <summary>Parsed trailer of a DAVE protocol frame: ciphertext length, tag position and truncated nonce.</summary>
internal readonly ref struct DaveFrameLayout
{
    private DaveFrameLayout(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, uint nonce)
    {
        Ciphertext = ciphertext;
        Tag = tag;
        Nonce = nonce;
    }

    public ReadOnlySpan<byte> Ciphertext { get; }

    public ReadOnlySpan<byte> Tag { get; }

    public uint Nonce { get; }

    /// <summary>
    /// Protocol frame check: trailing FA FA marker, 11 ≤ supplemental size ≤ frame size, tag, ULEB128 nonce. Audio frames
    /// carry no unencrypted ranges, so any bytes between nonce and size byte make the frame invalid.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out DaveFrameLayout layout)
    {
        layout = default;
        if (frame.Length < DaveMedia.MinSupplementalSize || frame[^1] != DaveMedia.MarkerByte || frame[^2] != DaveMedia.MarkerByte)
        {
            return false;
        }

        int supplementalSize = frame[^3];
        if (supplementalSize < DaveMedia.MinSupplementalSize || supplementalSize > frame.Length)
        {
            return false;
        }

        var ciphertextLength = frame.Length - supplementalSize;
        var supplemental = frame[ciphertextLength..^3];
        if (supplemental.Length < DaveMedia.TagLength + 1)
        {
            return false;
        }

        var tag = supplemental[..DaveMedia.TagLength];
        if (!Uleb128.TryRead(supplemental[DaveMedia.TagLength..], out var nonce, out var consumed) ||
            DaveMedia.TagLength + consumed != supplemental.Length)
        {
            return false;
        }

        layout = new DaveFrameLayout(frame[..ciphertextLength], tag, nonce);
        return true;
    }
}
