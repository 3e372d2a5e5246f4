namespace Chorus.Discord.Voice.Receive;

public sealed record VoiceReceiverOptions
{
    /// <summary>Later packets that may wait behind a gap before it counts as lost.</summary>
    public int ReorderDepth { get; init; } = 3;

    /// <summary>Gaps up to this many frames are concealed; longer ones are skipped.</summary>
    public int MaxConcealedFrames { get; init; } = 5;

    /// <summary>Packets held per unknown SSRC until op 5 maps it (about 2 s of audio).</summary>
    public int MaxHeldPacketsPerSsrc { get; init; } = 100;

    public int MaxUnknownSsrcs { get; init; } = 8;

    public TimeSpan MaxHoldAge { get; init; } = TimeSpan.FromSeconds(2);
}
