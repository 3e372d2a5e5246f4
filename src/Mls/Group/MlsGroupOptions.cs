using Chorus.Mls.Messages;

namespace Chorus.Mls.Group;

/// <summary>Policy knobs. The defaults are DAVE's: commits reference proposals only by ProposalRef.</summary>
public sealed record MlsGroupOptions
{
    /// <summary>The defaults, as DAVE requires them.</summary>
    public static MlsGroupOptions Dave { get; } = new();

    /// <summary>Permit inline proposals in received commits (general RFC 9420 behaviour; the DAVE delivery service rejects them).</summary>
    public bool AllowInlineProposals { get; init; }

    /// <summary>Include an UpdatePath even in add-only commits (davey omits it, so the default is false).</summary>
    public bool AlwaysIncludePath { get; init; }

    /// <summary>External PSKs by hex psk_id (conformance only; DAVE uses no PSKs).</summary>
    public IReadOnlyDictionary<string, byte[]> ExternalPsks { get; init; } = new Dictionary<string, byte[]>();

    internal byte[] ResolvePsk(PreSharedKeyId id)
    {
        if (id.PskType != 1)
        {
            throw new MlsUnsupportedException("Resumption PSKs need the group's history, which a joiner does not have.");
        }

        return ExternalPsks.TryGetValue(Convert.ToHexString(id.PskId), out var psk)
            ? psk
            : throw new MlsException("Unknown external PSK.");
    }

    internal byte[] PskSecretFor(IReadOnlyList<PreSharedKeyId> ids) =>
        KeySchedule.PskSecret.Compute(ids.Select(id => (id, ResolvePsk(id))).ToList());
}
