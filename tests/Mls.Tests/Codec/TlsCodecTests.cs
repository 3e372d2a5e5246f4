using Chorus.Mls.Codec;

namespace Chorus.Mls.Tests.Codec;

public sealed class TlsCodecTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(16383)]
    [InlineData(16384)]
    [InlineData(1073741823)]
    public void VarintRoundTrips(int value)
    {
        var writer = new TlsWriter();
        writer.WriteVarint(value);
        var reader = new TlsReader(writer.WrittenSpan);
        Assert.Equal(value, reader.ReadVarint());
        Assert.True(reader.IsEmpty);
    }

    [Theory]
    [InlineData("4000")]
    [InlineData("403f")]
    [InlineData("80000000")]
    [InlineData("80003fff")]
    [InlineData("c0")]
    [InlineData("40")]
    [InlineData("8000")]
    public void NonMinimalReservedOrTruncatedVarintsAreRejected(string hex)
    {
        var data = Convert.FromHexString(hex);
        Assert.Throws<MlsDecodeException>(() =>
        {
            var reader = new TlsReader(data);
            reader.ReadVarint();
        });
    }

    [Fact]
    public void VectorLongerThanInputIsRejected()
    {
        byte[] data = [0x05, 1, 2, 3];
        Assert.Throws<MlsDecodeException>(() =>
        {
            var reader = new TlsReader(data);
            reader.ReadOpaque();
        });
    }

    [Fact]
    public void NestedVectorHeadersAreComputedAfterTheBody()
    {
        var writer = new TlsWriter();
        writer.WriteVector(Enumerable.Range(0, 40).Select(i => (ushort)i).ToList(), static (w, v) => w.WriteU16(v));
        var bytes = writer.ToArray();
        Assert.Equal(0x40, bytes[0]);
        Assert.Equal(80, bytes[1]);
        Assert.Equal(82, bytes.Length);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        Assert.Throws<MlsDecodeException>(() => Tls.Decode([0x00, 0x01, 0xFF], static (ref TlsReader r) => r.ReadU16()));
    }

    [Fact]
    public void InvalidOptionalFlagIsRejected()
    {
        Assert.Throws<MlsDecodeException>(() => Tls.Decode([0x02], static (ref TlsReader r) => r.ReadOptionalPresent()));
    }
}
