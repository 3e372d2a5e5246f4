using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Commit { ProposalOrRef proposals&lt;V&gt;; optional&lt;UpdatePath&gt; path; }.</summary>
public sealed class Commit : ITlsWritable
{
    public required List<ProposalOrRef> Proposals { get; init; }

    public UpdatePath? Path { get; init; }

    public void Write(TlsWriter writer)
    {
        Tls.WriteList(writer, Proposals);
        writer.WriteOptionalPresent(Path is not null);
        Path?.Write(writer);
    }

    public static Commit Read(ref TlsReader reader) => new()
    {
        Proposals = Tls.ReadList(ref reader, ProposalOrRef.Read),
        Path = reader.ReadOptionalPresent() ? UpdatePath.Read(ref reader) : null,
    };
}
