using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>GroupContext (RFC 9420 §8.1).</summary>
public sealed class GroupContext : ITlsWritable
{
    /// <summary>ProtocolVersion (mls10 = 1).</summary>
    public ushort Version { get; init; } = CipherSuite.ProtocolVersion;

    internal ushort CipherSuiteId { get; init; } = CipherSuite.Id;

    /// <summary>The group id.</summary>
    public required byte[] GroupId { get; init; }

    /// <summary>The epoch this context belongs to.</summary>
    public ulong Epoch { get; init; }

    /// <summary>The tree hash of the ratchet tree's root (RFC 9420 §7.8).</summary>
    public required byte[] TreeHash { get; init; }

    /// <summary>The confirmed transcript hash after the commit that started this epoch (RFC 9420 §8.2).</summary>
    public required byte[] ConfirmedTranscriptHash { get; init; }

    /// <summary>The group context extensions (DAVE: external_senders).</summary>
    public List<Extension> Extensions { get; init; } = [];

    /// <inheritdoc/>
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

    /// <summary>Decodes one GroupContext; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
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

    internal GroupContext With(ulong? epoch = null, byte[]? treeHash = null, byte[]? confirmedTranscriptHash = null, List<Extension>? extensions = null) => new()
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
