namespace Chorus.Mls.Codec;

/// <summary>Encoding and whole-buffer decoding shortcuts.</summary>
public static class Tls
{
    /// <summary>Decodes one value of type <typeparamref name="T"/> at the reader's position, advancing it.</summary>
    public delegate T ReadFunc<out T>(ref TlsReader reader);

    /// <summary>The TLS encoding of <paramref name="value"/> as a new array.</summary>
    public static byte[] Encode(ITlsWritable value)
    {
        var writer = new TlsWriter();
        value.Write(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes exactly one value spanning all of <paramref name="data"/>; trailing bytes are an error.</summary>
    public static T Decode<T>(ReadOnlySpan<byte> data, ReadFunc<T> read)
    {
        var reader = new TlsReader(data);
        var value = read(ref reader);
        reader.EnsureEnd();
        return value;
    }

    internal static List<T> ReadList<T>(ref TlsReader reader, ReadFunc<T> read)
    {
        var body = reader.ReadVector();
        var list = new List<T>();
        while (!body.IsEmpty)
        {
            list.Add(read(ref body));
        }

        return list;
    }

    internal static List<ushort> ReadU16List(ref TlsReader reader)
    {
        var body = reader.ReadVector();
        var list = new List<ushort>();
        while (!body.IsEmpty)
        {
            list.Add(body.ReadU16());
        }

        return list;
    }

    internal static void WriteU16List(TlsWriter writer, IReadOnlyList<ushort> values) =>
        writer.WriteVector(values, static (w, v) => w.WriteU16(v));

    internal static void WriteList<T>(TlsWriter writer, IReadOnlyList<T> values)
        where T : ITlsWritable =>
        writer.WriteVector(values, static (w, v) => v.Write(w));
}
