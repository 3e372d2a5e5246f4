using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>GroupContext (RFC 9420 §8.1).</summary>
public sealed class GroupContext : ITlsWritable
{
    public ushort Version { get; init; } = CipherSuite.ProtocolVersion;

    public ushort CipherSuiteId { get; init; } = CipherSuite.Id;

    public required byte[] GroupId { get; init; }

    public ulong Epoch { get; init; }

    public required byte[] TreeHash { get; init; }

    public required byte[] ConfirmedTranscriptHash { get; init; }

    public List<Extension> Extensions { get; init; } = [];

    public void Write(TlsWriter writer)
    {
        writer.WriteU16(Version);
        writer.WriteU16(CipherSuiteId);
        writer.WriteOpaque(GroupId);
        writer.WriteU64(Epoch);
        writer.WriteOpaque(TreeHash);
        writer.WriteOpaque(ConfirmedTranscriptHash);
        Tls.WriteList(writer, Extensions);
    }

    public static GroupContext Read(ref TlsReader reader) => new()
    {
        Version = reader.ReadU16(),
        CipherSuiteId = reader.ReadU16(),
        GroupId = reader.ReadOpaqueArray(),
        Epoch = reader.ReadU64(),
        TreeHash = reader.ReadOpaqueArray(),
        ConfirmedTranscriptHash = reader.ReadOpaqueArray(),
        Extensions = Extension.ReadList(ref reader),
    };

    public GroupContext With(ulong? epoch = null, byte[]? treeHash = null, byte[]? confirmedTranscriptHash = null, List<Extension>? extensions = null) => new()
    {
        Version = Version,
        CipherSuiteId = CipherSuiteId,
        GroupId = GroupId,
        Epoch = epoch ?? Epoch,
        TreeHash = treeHash ?? TreeHash,
        ConfirmedTranscriptHash = confirmedTranscriptHash ?? ConfirmedTranscriptHash,
        Extensions = extensions ?? Extensions,
    };
}
