namespace Chorus.Discord.Dave;

/// <summary>Constants of the DAVE v1 media frame format (Opus).</summary>
internal static class DaveMedia
{
    /// <summary>MLS exporter label for per-sender base secrets.</summary>
    public const string ExporterLabel = "Discord Secure Frames v0";

    public const int KeyLength = 16;
    public const int TagLength = 8;
    public const int NonceLength = 12;
    public const int TruncatedNonceOffset = 8;
    public const byte MarkerByte = 0xFA;
    public const int MinSupplementalSize = 11;

    /// <summary>Largest overhead DAVE adds to an Opus frame: tag, 5-byte ULEB nonce, size byte, marker.</summary>
    public const int MaxOverhead = TagLength + 5 + 1 + 2;

    /// <summary>Keys ratchet every 2^24 frames: generation is the nonce's top byte.</summary>
    public const int GenerationShift = 24;

    /// <summary>The Opus silence frame the SFU synthesises; never encrypted, always accepted.</summary>
    public static ReadOnlySpan<byte> SilenceFrame => [0xF8, 0xFF, 0xFE];

    public static bool IsSilence(ReadOnlySpan<byte> frame) => frame.SequenceEqual(SilenceFrame);
}
