using Chorus.Discord.Voice.Rtp;

namespace Chorus.Discord.Tests.Voice;

public sealed class RtpHeaderTests
{
    [Fact]
    public void Written_header_parses_back()
    {
        var buffer = new byte[12];
        RtpHeader.WriteBasic(buffer, 65535, 0xFFFFFFF0, 0xDEADBEEF);
        Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(buffer, out var header));
        Assert.Equal((ushort)65535, header.Sequence);
        Assert.Equal(0xFFFFFFF0u, header.Timestamp);
        Assert.Equal(0xDEADBEEFu, header.Ssrc);
        Assert.Equal(12, header.ClearLength);
        Assert.False(header.HasExtension);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpParseResult.NotVersion2)]
    [InlineData(new byte[] { 0x80, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpParseResult.WrongPayloadType)]
    [InlineData(new byte[] { 0x80, 0xC8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpParseResult.Rtcp)]
    [InlineData(new byte[] { 0x80, 0x78, 0, 0 }, RtpParseResult.TooShort)]
    [InlineData(new byte[] { 0x90, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE }, RtpParseResult.TooShort)]
    [InlineData(new byte[] { 0x8F, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpParseResult.TooShort)]
    public void Rejects_what_is_not_discord_opus_rtp(byte[] datagram, RtpParseResult expected)
    {
        Assert.Equal(expected, RtpHeader.TryParse(datagram, out _));
    }

    [Fact]
    public void Marker_bit_is_masked_before_the_payload_type_check()
    {
        byte[] datagram = [0x80, 0xF8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
        Assert.Equal(RtpParseResult.Ok, RtpHeader.TryParse(datagram, out var header));
        Assert.True(header.Marker);
    }

    [Theory]
    [InlineData(65535, 0, 1)]
    [InlineData(0, 65535, -1)]
    [InlineData(100, 90, -10)]
    [InlineData(65530, 4, 10)]
    public void Sequence_distance_wraps(int from, int to, int expected)
    {
        Assert.Equal(expected, RtpSequence.Distance((ushort)from, (ushort)to));
    }
}
