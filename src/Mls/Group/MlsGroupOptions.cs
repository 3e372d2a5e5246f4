namespace Chorus.Mls.Group;

/// <summary>Policy knobs. The defaults are DAVE's: commits reference proposals only by ProposalRef.</summary>
public sealed record MlsGroupOptions
{
    public static MlsGroupOptions Dave { get; } = new();

    /// <summary>Permit inline proposals in received commits (general RFC 9420 behaviour; the DAVE gateway rejects them).</summary>
    public bool AllowInlineProposals { get; init; }

    /// <summary>Include an UpdatePath even in add-only commits (davey omits it, so the default is false).</summary>
    public bool AlwaysIncludePath { get; init; }
}
