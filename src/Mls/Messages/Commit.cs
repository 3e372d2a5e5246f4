using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Commit { ProposalOrRef proposals&lt;V&gt;; optional&lt;UpdatePath&gt; path; }.</summary>
public sealed class Commit : ITlsWritable
{
    /// <summary>The proposals this commit applies, inline or by ProposalRef (DAVE allows references only).</summary>
    public required List<ProposalOrRef> Proposals { get; init; }

    /// <summary>The committer's new path secrets; null for a commit without a path (add-only commits in DAVE).</summary>
    public UpdatePath? Path { get; init; }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        Tls.WriteList(writer, Proposals);
        writer.WriteOptionalPresent(Path is not null);
        Path?.Write(writer);
    }

    /// <summary>Decodes one Commit; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static Commit Read(ref TlsReader reader) => new()
    {
        Proposals = Tls.ReadList(ref reader, ProposalOrRef.Read),
        Path = reader.ReadOptionalPresent() ? UpdatePath.Read(ref reader) : null,
    };
}
