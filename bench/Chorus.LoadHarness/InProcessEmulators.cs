using Chorus.Discord.Voice;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;

namespace Chorus.LoadHarness;

/// <summary>Emulators and scripted users sharing the process with the bots (their CPU is counted with the bots').</summary>
internal sealed class InProcessEmulators : IEmulatorSide
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly EmulatedVoiceServer _voice;
    private readonly GeminiLiveEmulator _gemini;
    private readonly IReadOnlyList<byte[]> _frames;
    private readonly TimeSpan _speech;
    private readonly LoadHarnessOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _talking = [];
    private readonly WireMeter _wire = new();
    private DateTimeOffset _markedAt = DateTimeOffset.MinValue;

    private InProcessEmulators(EmulatedVoiceServer voice, GeminiLiveEmulator gemini, short[] utterance, LoadHarnessOptions options)
    {
        _voice = voice;
        _gemini = gemini;
        _speech = TimeSpan.FromSeconds((double)utterance.Length / Utterance.SampleRate);
        // Every user says the same words: one encoding serves them all, so the emulator side costs less beside the bots.
        _frames = ScriptedVoiceUser.EncodeOpus(utterance, Utterance.SampleRate);
        _options = options;
    }

    public Uri GeminiBaseUri => _gemini.BaseUri;

    /// <summary>The voice server's TLS listener (wss), which @discordjs/voice always uses.</summary>
    public string VoiceTlsEndpoint => _voice.TlsEndpoint;

    /// <summary>The self-signed certificate behind <see cref="VoiceTlsEndpoint"/>, for the Node peer to trust.</summary>
    public string CertificatePem => _voice.CertificatePem;

    public TimeSpan? SeparateProcessorTime => null;

    public static async Task<InProcessEmulators> StartAsync(short[] utterance, LoadHarnessOptions options)
    {
        var voice = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = options.Dave ? 1 : 0 });
        try
        {
            var gemini = await GeminiLiveEmulator.StartAsync(new GeminiEmulatorOptions { Reply = GeminiReplyMode.Echo });
            return new InProcessEmulators(voice, gemini, utterance, options);
        }
        catch
        {
            await voice.DisposeAsync();
            throw;
        }
    }

    public VoiceServerCredentials CredentialsFor(int index)
    {
        var c = _voice.CreateCredentials(ScriptedTalk.FirstGuild + (ulong)index, ScriptedTalk.Bot);
        return new VoiceServerCredentials(c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token);
    }

    public Task StartTalkingAsync(IReadOnlyList<int> indexes)
    {
        for (var i = 0; i < indexes.Count; i++)
        {
            // 8 kHz keeps the scripted user's decoding and recording of the answer cheap beside the bot's work.
            var guild = ScriptedTalk.FirstGuild + (ulong)indexes[i];
            var user = _voice.AddScriptedUser(guild, ScriptedTalk.User, recordSampleRate: 8000);
            user.PacketHeard += from =>
            {
                if (from == ScriptedTalk.Bot)
                {
                    _wire.BotPacket(guild);
                }
            };
            var offset = ScriptedTalk.StartOffset(i, indexes.Count, _options.UtteranceSeconds);
            _talking.Add(ScriptedTalk.TalkAsync(user, _frames, _speech, _options.InterruptEvery, offset, () => _wire.SpeechEnded(guild), _stop.Token));
        }
        return Task.CompletedTask;
    }

    public Task MarkWireAsync()
    {
        _wire.Reset();
        _markedAt = _gemini.Time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task<WireFigures> WireFiguresAsync()
    {
        var modelMs = _gemini.Recording.Turns
            .Where(t => t.SpeechEndedAt >= _markedAt && t.FirstReplyAt is not null)
            .Select(t => (t.FirstReplyAt!.Value - (t.LastSpeechReceivedAt ?? t.SpeechEndedAt)).TotalMilliseconds);
        return Task.FromResult(_wire.Snapshot() with { ModelTimeMs = WireFigures.FigureOf(modelMs) });
    }

    public async Task StopTalkingAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_talking).WaitAsync(StopTimeout);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("Some scripted users did not stop in time; closing anyway.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopTalkingAsync();
        await _gemini.DisposeAsync();
        await _voice.DisposeAsync();
        _stop.Dispose();
    }
}
