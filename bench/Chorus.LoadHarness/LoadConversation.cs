using Chorus.Discord.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Chorus.Sandbox.Gemini;
using Chorus.Sandbox.Voice;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.LoadHarness;

/// <summary>
/// One emulated guild: a scripted user talking in a loop, and our bot (voice connection + Gemini
/// conversation + streaming bridge) answering through the shared emulators.
/// </summary>
internal sealed class LoadConversation : IStreamingBridgeObserver, IAsyncDisposable
{
    private const ulong Bot = 1;
    private const ulong User = 2;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly ulong _guildId;
    private VoiceConnection? _voice;
    private GeminiConversation? _gemini;
    private long _failures;
    private long _turnsCompleted;

    private LoadConversation(ulong guildId, StreamingBridgeOptions options)
    {
        _guildId = guildId;
        Bridge = new StreamingBridge(options, this, NullLogger.Instance);
    }

    public StreamingBridge Bridge { get; }

    public ScriptedVoiceUser? Speaker { get; private set; }

    public VoiceConnection? Voice => _voice;

    public GeminiConversation? Gemini => _gemini;

    public long Failures => Interlocked.Read(ref _failures);

    public long TurnsCompleted => Interlocked.Read(ref _turnsCompleted);

    public long UtterancesSpoken { get; private set; }

    public static async Task<LoadConversation> ConnectAsync(
        ulong guildId, EmulatedVoiceServer voiceServer, GeminiLiveEmulator geminiServer, StreamingBridgeOptions options, CancellationToken cancellationToken)
    {
        var conversation = new LoadConversation(guildId, options);
        try
        {
            await conversation.StartAsync(voiceServer, geminiServer, cancellationToken);
            return conversation;
        }
        catch
        {
            await conversation.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Speaks, leaves room for the echoed answer, and again, until <paramref name="stop"/> fires. Every
    /// <paramref name="interruptEvery"/>th utterance starts halfway through the answer, to measure barge-in.
    /// </summary>
    public async Task TalkAsync(short[] utterance, int interruptEvery, TimeSpan initialDelay, CancellationToken stop)
    {
        var speaker = Speaker!;
        var speech = TimeSpan.FromSeconds((double)utterance.Length / Utterance.SampleRate);
        // The answer starts ~0.3 s after the user stops (end-of-speech silence + think time) and lasts as long as the speech.
        var fullPause = speech + TimeSpan.FromMilliseconds(700);
        var interruptingPause = TimeSpan.FromMilliseconds(300) + speech / 2;
        try
        {
            await Task.Delay(initialDelay, stop);
            while (!stop.IsCancellationRequested)
            {
                await speaker.SpeakAsync(utterance, Utterance.SampleRate, cancellationToken: stop);
                UtterancesSpoken++;
                var interrupt = interruptEvery > 0 && UtterancesSpoken % interruptEvery == 0;
                await Task.Delay(interrupt ? interruptingPause : fullPause, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        if (_gemini is not null)
            await _gemini.DisposeAsync();
        if (_voice is not null)
            await _voice.DisposeAsync();
    }

    void IStreamingBridgeObserver.OnResumptionHandle(string handle)
    {
    }

    void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error) => Interlocked.Increment(ref _failures);

    void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
    {
    }

    void IStreamingBridgeObserver.OnTurnComplete() => Interlocked.Increment(ref _turnsCompleted);

    private async Task StartAsync(EmulatedVoiceServer voiceServer, GeminiLiveEmulator geminiServer, CancellationToken cancellationToken)
    {
        var credentials = voiceServer.CreateCredentials(_guildId, Bot);
        _voice = new VoiceConnection(
            new VoiceServerCredentials(credentials.Endpoint, credentials.GuildId, credentials.UserId, credentials.SessionId, credentials.Token),
            new VoiceConnectionOptions { UseTls = false, PcmFrameHandler = Bridge.OnPcmFrame });
        _gemini = new GeminiConversation(
            new GeminiLiveOptions { ApiKey = "emulator-key", BaseUri = geminiServer.BaseUri, Model = "gemini-3.8-live", SystemInstruction = "Echo persona" },
            Bridge);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        await _voice.StartAsync(timeout.Token);
        await _gemini.StartAsync(cancellationToken: timeout.Token);
        Bridge.Attach(_voice, _gemini);
        // 8 kHz keeps the harness's own decoding and recording of the answer cheap beside the bot's work.
        Speaker = voiceServer.AddScriptedUser(_guildId, User, recordSampleRate: 8000);
    }
}
