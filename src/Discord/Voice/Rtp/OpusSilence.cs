namespace Chorus.Discord.Voice.Rtp;

internal static class OpusSilence
{
    /// <summary>The 3-byte Opus frame Discord treats as silence.</summary>
    public static ReadOnlySpan<byte> Frame => [0xF8, 0xFF, 0xFE];

    public static bool IsSilence(ReadOnlySpan<byte> opus) => opus.SequenceEqual(Frame);
}
