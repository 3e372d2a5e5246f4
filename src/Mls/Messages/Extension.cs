using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Extension { ExtensionType extension_type; opaque extension_data&lt;V&gt;; }.</summary>
/// <param name="Type">The ExtensionType (see the constants).</param>
/// <param name="Data">The extension_data bytes.</param>
public sealed record Extension(ushort Type, byte[] Data) : ITlsWritable
{
    /// <summary>ExtensionType application_id (1).</summary>
    public const ushort ApplicationId = 1;
    /// <summary>ExtensionType ratchet_tree (2).</summary>
    public const ushort RatchetTree = 2;
    /// <summary>ExtensionType required_capabilities (3).</summary>
    public const ushort RequiredCapabilities = 3;
    /// <summary>ExtensionType external_pub (4).</summary>
    public const ushort ExternalPub = 4;
    /// <summary>ExtensionType external_senders (5), where DAVE puts its delivery service's signing key.</summary>
    public const ushort ExternalSenders = 5;

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteU16(Type);
        writer.WriteOpaque(Data);
    }

    /// <summary>Decodes one Extension; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
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
