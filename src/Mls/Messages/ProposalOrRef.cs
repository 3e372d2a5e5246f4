using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>ProposalOrRef { type (1 proposal, 2 reference); Proposal | opaque ProposalRef&lt;V&gt; }.</summary>
public sealed class ProposalOrRef : ITlsWritable
{
    internal Proposal? Proposal { get; init; }

    /// <summary>The ProposalRef, when the proposal is referenced rather than inline.</summary>
    public byte[]? Reference { get; init; }

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        if (Proposal is not null)
        {
            writer.WriteU8(1);
            Proposal.Write(writer);
        }
        else
        {
            writer.WriteU8(2);
            writer.WriteOpaque(Reference!);
        }
    }

    /// <summary>Decodes one ProposalOrRef; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static ProposalOrRef Read(ref TlsReader reader)
    {
        var type = reader.ReadU8();
        return type switch
        {
            1 => new ProposalOrRef { Proposal = Proposal.Read(ref reader) },
            2 => new ProposalOrRef { Reference = reader.ReadOpaqueArray() },
            _ => throw new MlsDecodeException($"Invalid ProposalOrRef type {type}."),
        };
    }
}
