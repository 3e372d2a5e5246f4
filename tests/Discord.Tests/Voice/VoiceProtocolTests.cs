using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Udp;

namespace Chorus.Discord.Tests.Voice;

public sealed class VoiceProtocolTests
{
    [Theory]
    [InlineData(null, true, VoiceCloseAction.Resume)]
    [InlineData(1006, true, VoiceCloseAction.Resume)]
    [InlineData(1000, false, VoiceCloseAction.Rejoin)]
    [InlineData(4015, true, VoiceCloseAction.Resume)]
    [InlineData(4006, true, VoiceCloseAction.Rejoin)]
    [InlineData(4004, true, VoiceCloseAction.Rejoin)]
    [InlineData(4009, true, VoiceCloseAction.Rejoin)]
    [InlineData(4011, true, VoiceCloseAction.Rejoin)]
    [InlineData(4001, true, VoiceCloseAction.RejoinOnce)]
    [InlineData(4016, true, VoiceCloseAction.RejoinOnce)]
    [InlineData(4014, true, VoiceCloseAction.Disconnected)]
    [InlineData(4017, false, VoiceCloseAction.GiveUp)]
    [InlineData(4021, true, VoiceCloseAction.GiveUp)]
    [InlineData(4022, true, VoiceCloseAction.GiveUp)]
    public void Close_codes_are_classified(int? code, bool hadSession, VoiceCloseAction expected)
    {
        Assert.Equal(expected, VoiceCloseCodes.Classify(code, hadSession));
    }

    [Fact]
    public void Ip_discovery_round_trips_and_rejects_foreign_answers()
    {
        var request = new byte[IpDiscovery.Length];
        IpDiscovery.WriteRequest(request, 0xABCDEF01);
        Assert.True(IpDiscovery.IsRequest(request, out var ssrc));
        Assert.Equal(0xABCDEF01u, ssrc);
        Assert.Equal([0, 1, 0, 70, 0xAB, 0xCD, 0xEF, 0x01], request[..8]);

        var response = new byte[IpDiscovery.Length];
        IpDiscovery.WriteResponse(response, ssrc, "203.0.113.7", 50123);
        Assert.True(IpDiscovery.TryParseResponse(response, ssrc, out var address, out var port));
        Assert.Equal("203.0.113.7", address);
        Assert.Equal(50123, port);
        Assert.False(IpDiscovery.TryParseResponse(response, ssrc + 1, out _, out _));
        Assert.False(IpDiscovery.TryParseResponse(response[..73], ssrc, out _, out _));
        Assert.False(IpDiscovery.TryParseResponse(request, ssrc, out _, out _));
    }

    [Fact]
    public void Credentials_never_print_the_token()
    {
        var credentials = new VoiceServerCredentials("host:443", 1, 2, "session", "very-secret-token");
        Assert.DoesNotContain("very-secret-token", credentials.ToString());
        var update = new Chorus.Discord.Models.VoiceServerUpdateEvent { Token = "very-secret-token", GuildId = 1, Endpoint = "host:443" };
        Assert.DoesNotContain("very-secret-token", update.ToString(), StringComparison.Ordinal);
        Assert.Contains("host:443", update.ToString(), StringComparison.Ordinal);
    }
}
