using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;

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
            await using var peer = PeerProcess.Start(directory, new Dictionary<string, string>
            {
                ["PEER_GEMINI_URL"] = gemini.BaseUri.ToString().TrimEnd('/'),
                ["PEER_DAVE"] = "1",
                ["NODE_EXTRA_CA_CERTS"] = certificate,
            });
            await peer.WaitForAsync("started", Timeout);
            await peer.SendAsync($"join 0 {credentials.TlsEndpoint} {Guild} {Bot} {credentials.SessionId} {credentials.Token}");
            await peer.WaitForAsync("joined", Timeout);

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

            await peer.SendAsync("stats");
            var stats = await peer.WaitForAsync("stats", Timeout);
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

    /// <summary>peer.mjs as a child process, its JSON lines kept in order.</summary>
    private sealed class PeerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Lock _gate = new();
        private readonly List<JsonElement> _events = [];
        private readonly StringBuilder _stderr = new();
        private readonly SemaphoreSlim _changed = new(0);

        private PeerProcess(Process process) => _process = process;

        public static PeerProcess Start(string directory, IReadOnlyDictionary<string, string> environment)
        {
            var start = new ProcessStartInfo("node", "peer.mjs")
            {
                WorkingDirectory = directory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            var process = new Process { StartInfo = start };
            var peer = new PeerProcess(process);
            process.OutputDataReceived += (_, e) => peer.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) =>
            {
                lock (peer._gate)
                {
                    peer._stderr.AppendLine(e.Data);
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return peer;
        }

        public async Task SendAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        /// <summary>The first event named <paramref name="name"/>; fails on a "failed" event, an exit or the timeout.</summary>
        public async Task<JsonElement> WaitForAsync(string name, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var taken = 0;
            while (true)
            {
                lock (_gate)
                {
                    for (; taken < _events.Count; taken++)
                    {
                        var e = _events[taken];
                        var kind = e.GetProperty("event").GetString();
                        if (kind == "failed")
                        {
                            Assert.Fail($"the peer could not join: {e.GetRawText()}\n{_stderr}");
                        }

                        if (kind == name)
                        {
                            return e;
                        }
                    }
                }
                if (_process.HasExited)
                {
                    Assert.Fail($"the peer exited with {_process.ExitCode} before '{name}'.\n{_stderr}");
                }

                try
                {
                    await _changed.WaitAsync(TimeSpan.FromMilliseconds(250), deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"no '{name}' from the peer within {timeout.TotalSeconds:0} s.\n{_stderr}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            _changed.Dispose();
        }

        private void OnLine(string? line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            lock (_gate)
            {
                try
                {
                    using var document = JsonDocument.Parse(line);
                    _events.Add(document.RootElement.Clone());
                }
                catch (JsonException)
                {
                    _stderr.AppendLine("stdout: " + line);
                }
            }
            _changed.Release();
        }
    }
}
