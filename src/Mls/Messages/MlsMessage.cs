using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;

namespace Chorus.Mls.Messages;

/// <summary>MLSMessage { version; wire_format; body }.</summary>
public sealed class MlsMessage : ITlsWritable
{
    /// <summary>ProtocolVersion (mls10 = 1).</summary>
    public ushort Version { get; init; } = CipherSuite.ProtocolVersion;

    internal WireFormat WireFormat { get; init; }

    internal PublicMessage? PublicMessage { get; init; }

    internal PrivateMessage? PrivateMessage { get; init; }

    /// <summary>The Welcome, when the wire format is mls_welcome.</summary>
    public Welcome? Welcome { get; init; }

    internal GroupInfo? GroupInfo { get; init; }

    internal KeyPackage? KeyPackage { get; init; }

    internal static MlsMessage Public(PublicMessage message) => new() { WireFormat = WireFormat.PublicMessage, PublicMessage = message };

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteU16(Version);
        writer.WriteU16((ushort)WireFormat);
        ITlsWritable body = WireFormat switch
        {
            WireFormat.PublicMessage => PublicMessage!,
            WireFormat.PrivateMessage => PrivateMessage!,
            WireFormat.Welcome => Welcome!,
            WireFormat.GroupInfo => GroupInfo!,
            WireFormat.KeyPackage => KeyPackage!,
            _ => throw new MlsException($"Cannot encode wire format {WireFormat}."),
        };
        body.Write(writer);
    }

    /// <summary>Decodes one MLSMessage; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static MlsMessage Read(ref TlsReader reader)
    {
        var version = reader.ReadU16();
        if (version != CipherSuite.ProtocolVersion)
        {
            throw new MlsDecodeException($"Unsupported MLS version {version}.");
        }

        var wireFormat = (WireFormat)reader.ReadU16();
        return wireFormat switch
        {
            WireFormat.PublicMessage => new MlsMessage { WireFormat = wireFormat, PublicMessage = PublicMessage.Read(ref reader) },
            WireFormat.PrivateMessage => new MlsMessage { WireFormat = wireFormat, PrivateMessage = PrivateMessage.Read(ref reader) },
            WireFormat.Welcome => new MlsMessage { WireFormat = wireFormat, Welcome = Welcome.Read(ref reader) },
            WireFormat.GroupInfo => new MlsMessage { WireFormat = wireFormat, GroupInfo = GroupInfo.Read(ref reader) },
            WireFormat.KeyPackage => new MlsMessage { WireFormat = wireFormat, KeyPackage = KeyPackage.Read(ref reader) },
            _ => throw new MlsDecodeException($"Invalid wire format {(ushort)wireFormat}."),
        };
    }

    /// <summary>Decodes an MLSMessage that spans all of <paramref name="data"/>; throws <see cref="MlsException"/> on malformed input or trailing bytes.</summary>
    public static MlsMessage Decode(ReadOnlySpan<byte> data) => Tls.Decode(data, Read);

    /// <summary>Decodes the MLSMessage at the start of <paramref name="data"/> and reports its length (DAVE op 28 is commit ‖ bare Welcome).</summary>
    public static MlsMessage DecodePrefix(ReadOnlySpan<byte> data, out int consumed)
    {
        var reader = new TlsReader(data);
        var message = Read(ref reader);
        consumed = reader.Position;
        return message;
    }
}
