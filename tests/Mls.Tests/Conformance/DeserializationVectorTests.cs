using Chorus.Mls.Codec;

namespace Chorus.Mls.Tests.Conformance;

public sealed class DeserializationVectorTests
{
    public static TheoryData<int> Cases => TestVectors.Indexes("deserialization");

    [Theory]
    [MemberData(nameof(Cases))]
    public void VarintHeaderDecodesAndReencodes(int index)
    {
        var v = TestVectors.Load("deserialization")[index];
        var header = v.Hex("vlbytes_header");
        var reader = new TlsReader(header);
        var length = reader.ReadVarint();
        reader.EnsureEnd();
        Assert.Equal(v.GetProperty("length").GetInt32(), length);
        var writer = new TlsWriter();
        writer.WriteVarint(length);
        Assert.Equal(header, writer.ToArray());
    }
}
