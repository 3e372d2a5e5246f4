namespace Chorus.Discord.Voice.Receive;

/// <summary>Jitter buffer and unknown-SSRC limits of the receive path.</summary>
public sealed record VoiceReceiverOptions
{
    /// <summary>Later packets that may wait behind a gap before it counts as lost.</summary>
    public int ReorderDepth { get; init; } = 3;

    /// <summary>Gaps up to this many frames are concealed; longer ones are skipped.</summary>
    public int MaxConcealedFrames { get; init; } = 5;

    /// <summary>Packets held per unknown SSRC until op 5 maps it (about 2 s of audio).</summary>
    public int MaxHeldPacketsPerSsrc { get; init; } = 100;

    /// <summary>SSRCs not yet mapped by op 5 whose packets are held; packets of further SSRCs are dropped.</summary>
    public int MaxUnknownSsrcs { get; init; } = 8;

    /// <summary>Held packets older than this when op 5 maps their SSRC are dropped instead of played.</summary>
    public TimeSpan MaxHoldAge { get; init; } = TimeSpan.FromSeconds(2);
}
