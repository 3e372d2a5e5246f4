using System.Buffers.Binary;
using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Credential: basic (identity bytes) or x509 (certificate chain, kept opaque).</summary>
public sealed class Credential : ITlsWritable
{
    /// <summary>CredentialType basic (1): the identity is opaque bytes.</summary>
    public const ushort Basic = 1;
    /// <summary>CredentialType x509 (2): a certificate chain.</summary>
    public const ushort X509 = 2;

    /// <summary>A credential of the given type.</summary>
    /// <param name="type"><see cref="Basic"/> or <see cref="X509"/>.</param>
    /// <param name="identity">The basic identity bytes (unused for x509).</param>
    /// <param name="certificates">The x509 certificate chain, DER, leaf first (unused for basic).</param>
    public Credential(ushort type, byte[] identity, List<byte[]>? certificates = null)
    {
        Type = type;
        Identity = identity;
        Certificates = certificates ?? [];
    }

    /// <summary>The CredentialType: <see cref="Basic"/> or <see cref="X509"/>.</summary>
    public ushort Type { get; }

    internal byte[] Identity { get; }

    internal List<byte[]> Certificates { get; }

    /// <summary>DAVE identity: the user id as 8-byte big-endian.</summary>
    public static Credential ForUser(ulong userId)
    {
        var identity = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(identity, userId);
        return new Credential(Basic, identity);
    }

    /// <summary>The DAVE user id, or null when this is not an 8-byte basic credential.</summary>
    public ulong? UserId => Type == Basic && Identity.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(Identity) : null;

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        writer.WriteU16(Type);
        switch (Type)
        {
            case Basic:
                writer.WriteOpaque(Identity);
                break;
            case X509:
                writer.WriteVector(Certificates, static (w, c) => w.WriteOpaque(c));
                break;
            default:
                throw new MlsException($"Cannot encode credential type {Type}.");
        }
    }

    /// <summary>Decodes one Credential; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static Credential Read(ref TlsReader reader)
    {
        var type = reader.ReadU16();
        switch (type)
        {
            case Basic:
                return new Credential(type, reader.ReadOpaqueArray());
            case X509:
                var certs = Tls.ReadList(ref reader, static (ref TlsReader r) => r.ReadOpaqueArray());
                return new Credential(type, [], certs);
            default:
                throw new MlsDecodeException($"Unsupported credential type {type}.");
        }
    }

    internal bool ContentEquals(Credential other) =>
        Type == other.Type && Identity.AsSpan().SequenceEqual(other.Identity) && Certificates.Count == other.Certificates.Count &&
        Certificates.Zip(other.Certificates).All(p => p.First.AsSpan().SequenceEqual(p.Second));
}
