using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>PreSharedKeyID (RFC 9420 §8.4); parsed for completeness, DAVE never uses PSKs.</summary>
internal sealed class PreSharedKeyId : ITlsWritable
{
    public byte PskType { get; init; }

    public byte[] PskId { get; init; } = [];

    public byte Usage { get; init; }

    public byte[] PskGroupId { get; init; } = [];

    public ulong PskEpoch { get; init; }

    public byte[] PskNonce { get; init; } = [];

    public void Write(TlsWriter writer)
    {
        writer.WriteU8(PskType);
        if (PskType == 1)
        {
            writer.WriteOpaque(PskId);
        }
        else
        {
            writer.WriteU8(Usage);
            writer.WriteOpaque(PskGroupId);
            writer.WriteU64(PskEpoch);
        }

        writer.WriteOpaque(PskNonce);
    }

    public static PreSharedKeyId Read(ref TlsReader reader)
    {
        var type = reader.ReadU8();
        return type switch
        {
            1 => new PreSharedKeyId { PskType = type, PskId = reader.ReadOpaqueArray(), PskNonce = reader.ReadOpaqueArray() },
            2 => new PreSharedKeyId
            {
                PskType = type,
                Usage = reader.ReadU8(),
                PskGroupId = reader.ReadOpaqueArray(),
                PskEpoch = reader.ReadU64(),
                PskNonce = reader.ReadOpaqueArray(),
            },
            _ => throw new MlsDecodeException($"Invalid PSK type {type}."),
        };
    }
}
