using Chorus.Mls.Codec;

namespace Chorus.Mls.Messages;

/// <summary>GroupSecrets { opaque joiner_secret&lt;V&gt;; optional&lt;PathSecret&gt; path_secret; PreSharedKeyID psks&lt;V&gt;; }.</summary>
internal sealed class GroupSecrets : ITlsWritable
{
    public required byte[] JoinerSecret { get; init; }

    public byte[]? PathSecret { get; init; }

    public List<PreSharedKeyId> Psks { get; init; } = [];

    public void Write(TlsWriter writer)
    {
        writer.WriteOpaque(JoinerSecret);
        writer.WriteOptionalPresent(PathSecret is not null);
        if (PathSecret is not null)
        {
            writer.WriteOpaque(PathSecret);
        }

        Tls.WriteList(writer, Psks);
    }

    public static GroupSecrets Read(ref TlsReader reader) => new()
    {
        JoinerSecret = reader.ReadOpaqueArray(),
        PathSecret = reader.ReadOptionalPresent() ? reader.ReadOpaqueArray() : null,
        Psks = Tls.ReadList(ref reader, PreSharedKeyId.Read),
    };
}
