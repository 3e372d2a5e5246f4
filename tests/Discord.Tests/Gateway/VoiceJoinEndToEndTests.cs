using Chorus.Discord.Gateway;
using Chorus.Discord.Voice;
using Chorus.Emulators.Discord;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Gateway;

/// <summary>Main gateway signalling hands credentials to the voice connection, which the voice emulator accepts.</summary>
[EndToEnd]
public sealed class VoiceJoinEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Credentials_from_op4_open_a_voice_connection_on_the_voice_emulator()
    {
        await using var voiceServer = await EmulatedVoiceServer.StartAsync();
        await using var rig = await EmulatorRig.StartAsync(configure: o => o with { VoiceServers = new EmulatedVoiceServerProvider(voiceServer) });
        var client = rig.NewClient();
        await client.StartAsync().WaitAsync(Timeout);
        var signalling = VoiceSignalling.For(client);

        var credentials = await signalling.JoinAsync(EmulatorRig.GuildId, EmulatorRig.VoiceChannelId, Timeout);
        await using var connection = new VoiceConnection(credentials.ToVoiceServerCredentials(), new VoiceConnectionOptions { UseTls = false });
        using var cts = new CancellationTokenSource(Timeout);
        await connection.StartAsync(cts.Token);

        Assert.Equal(voiceServer.Endpoint, credentials.Endpoint);
        Assert.Equal(client.UserId, credentials.UserId);
        var participant = voiceServer.GetParticipant(EmulatorRig.GuildId, credentials.UserId);
        Assert.NotNull(participant);
        Assert.Equal(1, participant.Identifies);
    }
}
