using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Sender { SenderType sender_type; member: uint32 leaf_index; external: uint32 sender_index; }.</summary>
/// <param name="Type">Who sent the message.</param>
/// <param name="Index">The leaf index of a member, or the index into external_senders of an external sender.</param>
public readonly record struct Sender(SenderType Type, uint Index) : ITlsWritable
{
    /// <summary>The member at leaf <paramref name="leafIndex"/>.</summary>
    public static Sender Member(uint leafIndex) => new(SenderType.Member, leafIndex);

    internal static Sender External(uint senderIndex) => new(SenderType.External, senderIndex);

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteU8((byte)Type);
        if (Type is SenderType.Member or SenderType.External)
        {
            writer.WriteU32(Index);
        }
    }

    /// <summary>Decodes one Sender; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
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
