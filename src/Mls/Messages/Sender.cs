using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Sender { SenderType sender_type; member: uint32 leaf_index; external: uint32 sender_index; }.</summary>
public readonly record struct Sender(SenderType Type, uint Index) : ITlsWritable
{
    public static Sender Member(uint leafIndex) => new(SenderType.Member, leafIndex);

    public static Sender External(uint senderIndex) => new(SenderType.External, senderIndex);

    public void Write(TlsWriter writer)
    {
        writer.WriteU8((byte)Type);
        if (Type is SenderType.Member or SenderType.External)
        {
            writer.WriteU32(Index);
        }
    }

    public static Sender Read(ref TlsReader reader)
    {
        var type = (SenderType)reader.ReadU8();
        return type switch
        {
            SenderType.Member or SenderType.External => new Sender(type, reader.ReadU32()),
            SenderType.NewMemberProposal or SenderType.NewMemberCommit => new Sender(type, 0),
            _ => throw new MlsDecodeException($"Invalid sender type {(byte)type}."),
        };
    }
}
