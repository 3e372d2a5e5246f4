using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>Capabilities of a leaf (RFC 9420 §7.2).</summary>
public sealed class Capabilities : ITlsWritable
{
    internal List<ushort> Versions { get; init; } = [];

    internal List<ushort> CipherSuites { get; init; } = [];

    /// <summary>Extension types the leaf supports beyond the defaults.</summary>
    public List<ushort> Extensions { get; init; } = [];

    internal List<ushort> Proposals { get; init; } = [];

    /// <summary>Credential types the leaf supports (<see cref="Credential.Basic"/> for DAVE).</summary>
    public List<ushort> Credentials { get; init; } = [];

    /// <summary>Exactly what DAVE v1 leaves advertise: versions [1], suites [2], no extensions or proposals, basic credentials.</summary>
    public static Capabilities Dave() => new()
    {
        Versions = [1],
        CipherSuites = [2],
        Credentials = [Credential.Basic],
    };

    /// <inheritdoc/>
    public void Write(TlsWriter writer)
    {
        Tls.WriteU16List(writer, Versions);
        Tls.WriteU16List(writer, CipherSuites);
        Tls.WriteU16List(writer, Extensions);
        Tls.WriteU16List(writer, Proposals);
        Tls.WriteU16List(writer, Credentials);
    }

    /// <summary>Decodes one Capabilities; throws <see cref="MlsException"/> on truncated or malformed input.</summary>
    public static Capabilities Read(ref TlsReader reader) => new()
    {
        Versions = Tls.ReadU16List(ref reader),
        CipherSuites = Tls.ReadU16List(ref reader),
        Extensions = Tls.ReadU16List(ref reader),
        Proposals = Tls.ReadU16List(ref reader),
        Credentials = Tls.ReadU16List(ref reader),
    };
}
