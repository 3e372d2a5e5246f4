using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>PrivateMessage, parsed only so it can be recognised and rejected (DAVE handshakes are public).</summary>
internal sealed class PrivateMessage : ITlsWritable
{
    public required byte[] GroupId { get; init; }

    public ulong Epoch { get; init; }

    public ContentType ContentType { get; init; }

    public byte[] AuthenticatedData { get; init; } = [];

    public byte[] EncryptedSenderData { get; init; } = [];

    public byte[] Ciphertext { get; init; } = [];

    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(GroupId);
        writer.WriteU64(Epoch);
        writer.WriteU8((byte)ContentType);
        writer.WriteOpaque(AuthenticatedData);
        writer.WriteOpaque(EncryptedSenderData);
        writer.WriteOpaque(Ciphertext);
    }

    public static PrivateMessage Read(ref TlsReader reader) => new()
    {
        GroupId = reader.ReadOpaqueArray(),
        Epoch = reader.ReadU64(),
        ContentType = (ContentType)reader.ReadU8(),
        AuthenticatedData = reader.ReadOpaqueArray(),
        EncryptedSenderData = reader.ReadOpaqueArray(),
        Ciphertext = reader.ReadOpaqueArray(),
    };
}
