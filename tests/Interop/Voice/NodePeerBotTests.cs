using Chorus.Discord.Voice;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.LoadHarness;

namespace Chorus.Interop.Voice;

/// <summary>
/// The Node peer bot the load harness measures beside ours (bench/NodePeer/peer.mjs: @discordjs/voice + davey +
/// @google/genai) holds one short conversation through the emulators: a scripted user speaks in a DAVE call, the
/// Gemini emulator hears the turn from the peer, and the user hears the echoed answer played by the peer.
/// </summary>
[EndToEnd]
public sealed class NodePeerBotTests(ITestOutputHelper output)
{
    private const ulong Guild = 7100;
    private const ulong Bot = 1;
    private const ulong User = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_node_peer_hears_a_user_in_a_DAVE_call_and_its_answer_is_heard()
    {
        var directory = FindPeerDirectory();
        await using var voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await using var gemini = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions { Reply = GeminiReplyMode.Echo });
        var scratch = Directory.CreateTempSubdirectory("chorus-node-peer-");
        try
        {
            var certificate = Path.Combine(scratch.FullName, "voice-server.pem");
            await File.WriteAllTextAsync(certificate, voice.CertificatePem);
            var credentials = voice.CreateCredentials(Guild, Bot);
            await using var peer = await NodePeerProcess.StartAsync(directory, gemini.BaseUri, certificate, dave: true, joinParallelism: 1);
            await peer.JoinAsync(0, new VoiceServerCredentials(credentials.Endpoint, Guild, Bot, credentials.SessionId, credentials.Token), credentials.TlsEndpoint);
            var joined = await peer.WaitForJoinsAsync(1, Timeout);
            Assert.True(joined.SequenceEqual([0]), $"the peer could not join: {string.Join('\n', peer.FailedJoins)}\n{peer.RecentErrors}");

            var user = voice.AddScriptedUser(Guild, User);
            var chirp = AudioSignals.Chirp(48000, 1.0);
            await user.SpeakAsync(chirp, 48000).WaitAsync(Timeout);

            await gemini.Recording.WaitUntilAsync(r => r.Turns.Any(t => t.UtteranceBytes > 0 && t.CompletedAt is not null), Timeout);
            var turn = gemini.Recording.Turns.First(t => t.UtteranceBytes > 0);
            // 1 s of speech at 16 kHz is 32,000 bytes; the emulator's VAD trims the edges.
            Assert.True(turn.UtteranceBytes >= 16_000, $"the emulator heard {turn.UtteranceBytes} bytes of the user");

            var heard = await user.WaitForHeardAsync(Bot, 48000 * 8 / 10, Timeout);
            // 0.3 s from the chirp's middle, searched over every lag: the answer may open with the player's silence
            // frames or a late start (a loaded machine), and a chirp segment matches at one lag only.
            var reference = chirp.AsSpan(9600, 14400);
            var (correlation, lag) = AudioSignals.BestCorrelation(reference, heard, heard.Length - reference.Length);
            output.WriteLine($"heard {heard.Length / 48.0:0} ms from the peer; best correlation with the chirp {correlation:0.00} at {lag / 48.0:0} ms; {user.DecryptFailures} decrypt failures");
            Assert.True(correlation > 0.5, $"the answer does not sound like the echoed chirp (correlation {correlation:0.00})");
            Assert.Equal(0, user.DecryptFailures);

            var stats = await peer.StatsAsync();
            output.WriteLine(stats.GetRawText());
            Assert.True(stats.GetProperty("framesToGemini").GetInt32() >= 40, stats.GetRawText());
            Assert.True(stats.GetProperty("turns").GetInt32() >= 1, stats.GetRawText());
            Assert.Equal(0, stats.GetProperty("decryptFailures").GetInt32());
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static string FindPeerDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "NodePeer");
            if (File.Exists(Path.Combine(candidate, "peer.mjs")))
            {
                RequiredTool.RequireNodePackage(candidate, "@discordjs/voice");
                return candidate;
            }
        }
        throw new InvalidOperationException("bench/NodePeer not found above " + AppContext.BaseDirectory);
    }
}
