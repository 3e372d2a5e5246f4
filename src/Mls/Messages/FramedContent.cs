using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>FramedContent (RFC 9420 §6).</summary>
internal sealed class FramedContent : ITlsWritable
{
    public required byte[] GroupId { get; init; }

    public ulong Epoch { get; init; }

    public Sender Sender { get; init; }

    public byte[] AuthenticatedData { get; init; } = [];

    public ContentType ContentType { get; init; }

    public byte[] ApplicationData { get; init; } = [];

    public Proposal? Proposal { get; init; }

    public Commit? Commit { get; init; }

    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteU64(Epoch);
        Sender.Write(writer);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteU8((byte)ContentType);
        switch (ContentType)
        {
            case ContentType.Application:
                writer.WriteOpaque(ApplicationData);
                break;
            case ContentType.Proposal:
                Proposal!.Write(writer);
                break;
            case ContentType.Commit:
                Commit!.Write(writer);
                break;
        }
    }

    public static FramedContent Read(ref TlsReader reader)
    {
        var groupId = reader.ReadOpaqueArray();
        var epoch = reader.ReadU64();
        var sender = Sender.Read(ref reader);
        var authenticatedData = reader.ReadOpaqueArray();
        var contentType = (ContentType)reader.ReadU8();
        return contentType switch
        {
            ContentType.Application => new FramedContent { GroupId = groupId, Epoch = epoch, Sender = sender, AuthenticatedData = authenticatedData, ContentType = contentType, ApplicationData = reader.ReadOpaqueArray() },
            ContentType.Proposal => new FramedContent { GroupId = groupId, Epoch = epoch, Sender = sender, AuthenticatedData = authenticatedData, ContentType = contentType, Proposal = Proposal.Read(ref reader) },
            ContentType.Commit => new FramedContent { GroupId = groupId, Epoch = epoch, Sender = sender, AuthenticatedData = authenticatedData, ContentType = contentType, Commit = Commit.Read(ref reader) },
            _ => throw new MlsDecodeException($"Invalid content type {(byte)contentType}."),
        };
    }

    /// <summary>FramedContentTBS: version, wire format, content, and the group context for member and new-member-commit senders.</summary>
    public byte[] ToBeSigned(WireFormat wireFormat, GroupContext? context)
    {
        var writer = new TlsWriter();
        WriteToBeSigned(writer, wireFormat, context);
        return writer.ToArray();
    }

    public void WriteToBeSigned(TlsWriter writer, WireFormat wireFormat, GroupContext? context)
    {
        writer.WriteU16(CipherSuite.ProtocolVersion);
        writer.WriteU16((ushort)wireFormat);
        Write(writer);
        if (Sender.Type is SenderType.Member or SenderType.NewMemberCommit)
        {
            (context ?? throw new MlsException("Group context required for a member sender.")).Write(writer);
        }
    }
}
