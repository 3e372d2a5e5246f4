using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Capabilities of a leaf (RFC 9420 §7.2).</summary>
public sealed class Capabilities : ITlsWritable
{
    public List<ushort> Versions { get; init; } = [];

    public List<ushort> CipherSuites { get; init; } = [];

    public List<ushort> Extensions { get; init; } = [];

    public List<ushort> Proposals { get; init; } = [];

    public List<ushort> Credentials { get; init; } = [];

    /// <summary>Exactly what DAVE v1 leaves advertise: versions [1], suites [2], no extensions or proposals, basic credentials.</summary>
    public static Capabilities Dave() => new()
    {
        Versions = [1],
        CipherSuites = [2],
        Credentials = [Credential.Basic],
    };

    public void Write(TlsWriter writer)
    {
        Tls.WriteU16List(writer, Versions);
        Tls.WriteU16List(writer, CipherSuites);
        Tls.WriteU16List(writer, Extensions);
        Tls.WriteU16List(writer, Proposals);
        Tls.WriteU16List(writer, Credentials);
    }

    public static Capabilities Read(ref TlsReader reader) => new()
    {
        Versions = Tls.ReadU16List(ref reader),
        CipherSuites = Tls.ReadU16List(ref reader),
        Extensions = Tls.ReadU16List(ref reader),
        Proposals = Tls.ReadU16List(ref reader),
        Credentials = Tls.ReadU16List(ref reader),
    };
}
