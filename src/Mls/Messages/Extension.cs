using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Extension { ExtensionType extension_type; opaque extension_data&lt;V&gt;; }.</summary>
public sealed record Extension(ushort Type, byte[] Data) : ITlsWritable
{
    public const ushort ApplicationId = 1;
    public const ushort RatchetTree = 2;
    public const ushort RequiredCapabilities = 3;
    public const ushort ExternalPub = 4;
    public const ushort ExternalSenders = 5;

    public void Write(TlsWriter writer)
    {
        writer.WriteU16(Type);
        writer.WriteOpaque(Data);
    }

    public static Extension Read(ref TlsReader reader) => new(reader.ReadU16(), reader.ReadOpaqueArray());

    /// <summary>Reads an extension list, rejecting duplicate types (RFC 9420 §13.4).</summary>
    public static List<Extension> ReadList(ref TlsReader reader)
    {
        var list = Tls.ReadList(ref reader, Read);
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                if (list[i].Type == list[j].Type)
                {
                    throw new MlsDecodeException($"Duplicate extension type {list[i].Type}.");
                }
            }
        }

        return list;
    }
}
