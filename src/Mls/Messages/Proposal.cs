using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Proposal (RFC 9420 §12.1): one class, fields used according to <see cref="Type"/>.</summary>
public sealed class Proposal : ITlsWritable
{
    /// <summary>Which proposal this is; decides which of the other properties is set.</summary>
    public ProposalType Type { get; init; }

    internal KeyPackage? KeyPackage { get; init; }

    /// <summary>The new leaf node of an Update proposal.</summary>
    public LeafNode? LeafNode { get; init; }

    internal uint Removed { get; init; }

    internal PreSharedKeyId? Psk { get; init; }

    internal byte[] ReInitGroupId { get; init; } = [];

    internal ushort ReInitVersion { get; init; }

    internal ushort ReInitCipherSuite { get; init; }

    internal byte[] KemOutput { get; init; } = [];

    /// <summary>The new extensions of a GroupContextExtensions proposal.</summary>
    public List<Extension> Extensions { get; init; } = [];

    /// <summary>An Add proposal for <paramref name="keyPackage"/>.</summary>
    public static Proposal Add(KeyPackage keyPackage) => new() { Type = ProposalType.Add, KeyPackage = keyPackage };

    /// <summary>A Remove proposal for the member at leaf <paramref name="leafIndex"/>.</summary>
    public static Proposal Remove(uint leafIndex) => new() { Type = ProposalType.Remove, Removed = leafIndex };

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteU16((ushort)Type);
        WriteBody(writer);
    }

    internal void WriteBody(TlsWriter writer)
    {
        switch (Type)
        {
            case ProposalType.Add:
                KeyPackage!.Write(writer);
                break;
            case ProposalType.Update:
                LeafNode!.Write(writer);
                break;
            case ProposalType.Remove:
                writer.WriteU32(Removed);
                break;
            case ProposalType.PreSharedKey:
                Psk!.Write(writer);
                break;
            case ProposalType.ReInit:
                writer.WriteOpaque(ReInitGroupId);
                writer.WriteU16(ReInitVersion);
                writer.WriteU16(ReInitCipherSuite);
                Tls.WriteList(writer, Extensions);
                break;
            case ProposalType.ExternalInit:
                writer.WriteOpaque(KemOutput);
                break;
            case ProposalType.GroupContextExtensions:
                Tls.WriteList(writer, Extensions);
                break;
            default:
                throw new MlsException($"Cannot encode proposal type {Type}.");
        }
    }

    /// <summary>Decodes one Proposal; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static Proposal Read(ref TlsReader reader) => ReadBody(ref reader, (ProposalType)reader.ReadU16());

    internal static Proposal ReadBody(ref TlsReader reader, ProposalType type) => type switch
    {
        ProposalType.Add => new Proposal { Type = type, KeyPackage = KeyPackage.Read(ref reader) },
        ProposalType.Update => new Proposal { Type = type, LeafNode = LeafNode.Read(ref reader) },
        ProposalType.Remove => new Proposal { Type = type, Removed = reader.ReadU32() },
        ProposalType.PreSharedKey => new Proposal { Type = type, Psk = PreSharedKeyId.Read(ref reader) },
        ProposalType.ReInit => new Proposal
        {
            Type = type,
            ReInitGroupId = reader.ReadOpaqueArray(),
            ReInitVersion = reader.ReadU16(),
            ReInitCipherSuite = reader.ReadU16(),
            Extensions = Extension.ReadList(ref reader),
        },
        ProposalType.ExternalInit => new Proposal { Type = type, KemOutput = reader.ReadOpaqueArray() },
        ProposalType.GroupContextExtensions => new Proposal { Type = type, Extensions = Extension.ReadList(ref reader) },
        _ => throw new MlsDecodeException($"Unsupported proposal type {(ushort)type}."),
    };
}
