using System.Globalization;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Opus;
using Chorus.Sandbox.Voice;

namespace Chorus.Interop.Voice;

/// <summary>
/// @discordjs/voice (a client nobody here wrote) and our client join the emulated voice server together; each
/// speaks a chirp and the other must hear it. This ties the emulator and our transport to the real protocol.
/// </summary>
public sealed class VoiceInteropTests
{
    private const ulong Guild = 9100;
    private const ulong Channel = 9101;
    private const ulong Bot = 9200;
    private const ulong NodeUser = 9300;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Our_client_and_discordjs_voice_hear_each_other_through_the_emulated_sfu() => HearEachOtherAsync(dave: false);

    /// <summary>Both clients with DAVE: the emulator's MLS group must satisfy davey as well as our DaveSession.</summary>
    [Fact]
    public Task Our_client_and_discordjs_voice_with_dave_hear_each_other_end_to_end_encrypted() => HearEachOtherAsync(dave: true);

    private static async Task HearEachOtherAsync(bool dave)
    {
        var nodeDirectory = NodeVoicePeer.FindNodeDirectory();
        if (nodeDirectory is null)
            Assert.Skip("tests/Interop/node/node_modules is not installed (run npm ci there).");

        await using var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = dave ? 1 : 0 });
        using var daveSession = dave ? new DaveSession(Bot, Channel) : null;
        var nodeCredentials = server.CreateCredentials(Guild, NodeUser, Channel);
        var botCredentials = server.CreateCredentials(Guild, Bot, Channel);

        var heardLock = new Lock();
        var heardFromNode = new List<short>();
        var heardEnough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nodeChirp = AudioSignals.Chirp(OpusFormat.ReceiveSampleRate, 1.0);
        await using var bot = new VoiceConnection(
            new VoiceServerCredentials(botCredentials.Endpoint, Guild, Bot, botCredentials.SessionId, botCredentials.Token),
            new VoiceConnectionOptions
            {
                UseTls = false,
                MaxDaveProtocolVersion = dave ? 1 : 0,
                DaveHandler = daveSession,
                FrameCryptor = daveSession,
                PcmFrameHandler = frame =>
                {
                    if (frame.UserId != NodeUser)
                        return;
                    lock (heardLock)
                    {
                        foreach (var s in frame.Samples)
                            heardFromNode.Add(s);
                        if (heardFromNode.Count >= nodeChirp.Length + 1600)
                            heardEnough.TrySetResult();
                    }
                },
            });
        using (var cts = new CancellationTokenSource(Timeout))
            await bot.StartAsync(cts.Token);

        var certificateFile = Path.Combine(Path.GetTempPath(), $"chorus-voice-{Guid.NewGuid():N}.pem");
        var outFile = Path.Combine(Path.GetTempPath(), $"chorus-voice-{Guid.NewGuid():N}.pcm");
        await File.WriteAllTextAsync(certificateFile, server.CertificatePem);
        try
        {
            await using var node = NodeVoicePeer.Start(nodeDirectory, new Dictionary<string, string>
            {
                ["VOICE_GUILD_ID"] = Guild.ToString(CultureInfo.InvariantCulture),
                ["VOICE_CHANNEL_ID"] = Channel.ToString(CultureInfo.InvariantCulture),
                ["VOICE_USER_ID"] = NodeUser.ToString(CultureInfo.InvariantCulture),
                ["VOICE_SESSION_ID"] = nodeCredentials.SessionId,
                ["VOICE_TOKEN"] = nodeCredentials.Token,
                // The reference client only speaks wss://, so it gets the TLS listener and trusts our certificate.
                ["VOICE_ENDPOINT"] = nodeCredentials.TlsEndpoint,
                ["NODE_EXTRA_CA_CERTS"] = certificateFile,
                ["VOICE_LISTEN_TO"] = Bot.ToString(CultureInfo.InvariantCulture),
                ["VOICE_OUT_FILE"] = outFile,
                ["VOICE_CHIRP_SECONDS"] = "1",
                ["VOICE_DAVE"] = dave ? "1" : "0",
            });
            await node.WaitForEventAsync("ready", Timeout);
            var nodeInfo = server.GetParticipant(Guild, NodeUser)!;
            Assert.Equal("aead_aes256_gcm_rtpsize", nodeInfo.Mode);
            Assert.Equal(dave ? 1 : 0, nodeInfo.MaxDaveVersion);
            if (daveSession is not null)
            {
                // davey announces the executed transition; ours must be in the same two-member group.
                var transitioned = await node.WaitForEventAsync("transitioned", Timeout);
                Assert.NotEqual(0, transitioned.GetProperty("transitionId").GetInt32());
                using var cts = new CancellationTokenSource(Timeout);
                while (!daveSession.IsReadyToSend || daveSession.GroupMembers.Count != 2)
                    await Task.Delay(20, cts.Token);
            }

            // Both talk at once, as people do.
            var botChirp = AudioSignals.Chirp(OpusFormat.SendSampleRate, 1.0);
            bot.Sender.Push(botChirp);
            await node.SendAsync("play");

            await heardEnough.Task.WaitAsync(Timeout);
            await node.WaitForEventAsync("played", Timeout);
            using (var cts = new CancellationTokenSource(Timeout))
            {
                while (bot.Sender.Counters.SilenceFramesSent < 5)
                    await Task.Delay(20, cts.Token);
            }
            await node.SendAsync("finish");
            var done = await node.WaitForEventAsync("done", Timeout);

            short[] fromNode;
            lock (heardLock)
                fromNode = [.. heardFromNode];
            var (botHeardCorrelation, _) = AudioSignals.BestCorrelation(nodeChirp, fromNode, 8000);
            Assert.True(botHeardCorrelation > 0.8, $"our client heard @discordjs/voice with correlation {botHeardCorrelation:F3}");

            var raw = await File.ReadAllBytesAsync(outFile);
            var nodeHeard = new short[raw.Length / 2];
            Buffer.BlockCopy(raw, 0, nodeHeard, 0, nodeHeard.Length * 2);
            Assert.True(done.GetProperty("heardSamples").GetInt32() >= 48000, $"node heard {nodeHeard.Length} samples");
            var reference48k = AudioSignals.Chirp(48000, 1.0);
            var (nodeHeardCorrelation, _) = AudioSignals.BestCorrelation(reference48k, nodeHeard, 24000);
            Assert.True(nodeHeardCorrelation > 0.8, $"@discordjs/voice heard our client with correlation {nodeHeardCorrelation:F3}");
            Assert.Equal(0, bot.Receiver.Counters.AuthenticationFailed);
            Assert.Equal(0, bot.Receiver.Counters.DecodeFailed);
            if (daveSession is not null)
            {
                Assert.True(daveSession.Counters.FramesEncrypted >= 50, $"encrypted {daveSession.Counters.FramesEncrypted}");
                Assert.True(daveSession.Counters.FramesDecrypted >= 50, $"decrypted {daveSession.Counters.FramesDecrypted}");
                Assert.True(server.Counters.DaveFramesRelayed >= 100, $"DAVE frames relayed {server.Counters.DaveFramesRelayed}");
                Assert.Equal(0, server.GetDaveGateway(Guild)!.MalformedDropped);
            }
            else
            {
                Assert.Equal(0, server.Counters.DaveFramesRelayed);
            }
        }
        finally
        {
            File.Delete(certificateFile);
            File.Delete(outFile);
        }
    }
}
