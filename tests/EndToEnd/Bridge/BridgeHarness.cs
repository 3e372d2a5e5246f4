using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Send;
using Chorus.Emulators.Gemini;
using Chorus.Emulators.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Diagnostics;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.EndToEnd.Bridge;

/// <summary>
/// The bot's audio path against both emulators: our voice connection in an emulated voice channel,
/// our Gemini conversation on the emulated Live API, and the streaming bridge between them.
/// </summary>
internal sealed class BridgeHarness : IAsyncDisposable, IStreamingBridgeObserver
{
    public const ulong Guild = 7070;
    public const ulong Bot = 1;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<string> _handles = [];
    private readonly Lock _lock = new();
    private readonly GeminiMetrics _geminiMetrics = new();
    private readonly GatewayMetrics _bridgeMetrics = new();
    private TaskCompletionSource _turnComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BridgeHarness(EmulatedVoiceServer voice, GeminiLiveEmulator gemini)
    {
        VoiceServer = voice;
        GeminiServer = gemini;
        DiscordTotals = new MeterTotals(DiscordMetrics.Meter);
        GeminiTotals = new MeterTotals(_geminiMetrics.Meter);
        BridgeTotals = new MeterTotals(_bridgeMetrics.Meter);
    }

    public EmulatedVoiceServer VoiceServer { get; }
    public GeminiLiveEmulator GeminiServer { get; }
    public VoiceConnection Connection { get; private set; } = null!;
    public GeminiConversation Conversation { get; private set; } = null!;
    public StreamingBridge Bridge { get; private set; } = null!;

    /// <summary>What this harness's conversation counted (instruments of its own).</summary>
    public MeterTotals GeminiTotals { get; }

    /// <summary>What this harness's bridge counted (instruments of its own).</summary>
    public MeterTotals BridgeTotals { get; }

    /// <summary>Uplink frames the bridge dropped: its queue was full, or the conversation refused them.</summary>
    public long UplinkDropped =>
        BridgeTotals.Total(GatewayMetrics.Instruments.FramesDropped, GatewayMetrics.Tags.Cause, GatewayMetrics.Tags.UplinkFull)
        + BridgeTotals.Total(GatewayMetrics.Instruments.FramesDropped, GatewayMetrics.Tags.Cause, GatewayMetrics.Tags.UplinkFailed);

    public IReadOnlyList<string> ResumptionHandles
    {
        get
        {
            lock (_lock)
            {
                return [.. _handles];
            }
        }
    }

    /// <summary>The bot's DAVE session when the call is end-to-end encrypted.</summary>
    public DaveSession? Dave { get; private set; }

    /// <summary>The instruments of the bot's connection and DAVE session, a meter of their own.</summary>
    public DiscordMetrics DiscordMetrics { get; } = new();

    /// <summary>What the bot's connection and DAVE session counted.</summary>
    public MeterTotals DiscordTotals { get; }

    /// <param name="gemini"></param>

    /// <param name="bridge"></param>    /// <param name="dave">Run the call with DAVE (as Discord requires): the bot and every scripted user are MLS members.</param>
    public static async Task<BridgeHarness> StartAsync(GeminiEmulatorOptions? gemini = null, StreamingBridgeOptions? bridge = null, bool dave = false)
    {
        var harness = new BridgeHarness(
            await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = dave ? 1 : 0 }),
            await GeminiLiveEmulator.StartAsync(gemini));
        await harness.ConnectAsync(bridge ?? new StreamingBridgeOptions(), dave);
        return harness;
    }

    public ScriptedVoiceUser AddUser(ulong userId) => VoiceServer.AddScriptedUser(Guild, userId, recordSampleRate: 24000);

    public Task WaitForTurnCompleteAsync()
    {
        lock (_lock)
        {
            return _turnComplete.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>Until the bot's playout is empty and its talk spurt has ended: re-checked on each frame sent and each
    /// change of the speaking flag (the spurt ends after its last silence frame left).</summary>
    public async Task WaitUntilBotSilentAsync()
    {
        var sender = Connection.Sender;
        var changed = new ChangeSignal();
        Action<VoiceFrameSent> onFrameSent = _ => changed.Notify();
        Action<bool> onSpeakingChanged = _ => changed.Notify();
        sender.FrameSent += onFrameSent;
        sender.SpeakingChanged += onSpeakingChanged;
        try
        {
            await Wait.UntilAsync(() => !sender.IsSpeaking && sender.Playout.Count == 0, changed, Timeout,
                () => $"the bot to fall silent (speaking {sender.IsSpeaking}, {sender.Playout.Count} samples queued)");
        }
        finally
        {
            sender.FrameSent -= onFrameSent;
            sender.SpeakingChanged -= onSpeakingChanged;
        }
    }

    public void ResetTurnSignal()
    {
        lock (_lock)
        {
            _turnComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await Conversation.DisposeAsync();
        await Connection.DisposeAsync();
        Dave?.Dispose();
        DiscordTotals.Dispose();
        await GeminiServer.DisposeAsync();
        await VoiceServer.DisposeAsync();
        GeminiTotals.Dispose();
        BridgeTotals.Dispose();
    }

    void IStreamingBridgeObserver.OnResumptionHandle(string handle)
    {
        lock (_lock)
        {
            _handles.Add(handle);
        }
    }

    void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error)
    {
    }

    void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
    {
    }

    void IStreamingBridgeObserver.OnTurnComplete()
    {
        lock (_lock)
        {
            _turnComplete.TrySetResult();
        }
    }

    private async Task ConnectAsync(StreamingBridgeOptions options, bool dave)
    {
        Bridge = new StreamingBridge(options, this, NullLogger.Instance, metrics: _bridgeMetrics);
        var credentials = VoiceServer.CreateCredentials(Guild, Bot);
        Dave = dave ? new DaveSession(Bot, credentials.ChannelId, metrics: DiscordMetrics) : null;
        Connection = new VoiceConnection(
            new VoiceServerCredentials(credentials.Endpoint, credentials.GuildId, credentials.UserId, credentials.SessionId, credentials.Token),
            new VoiceConnectionOptions
            {
                UseTls = false,
                Metrics = DiscordMetrics,
                PcmFrameHandler = Bridge.OnPcmFrame,
                MaxDaveProtocolVersion = dave ? 1 : 0,
                DaveHandler = Dave,
                FrameCryptor = Dave,
            });
        Conversation = new GeminiConversation(
            new GeminiLiveOptions { ApiKey = "emulator-key", BaseUri = GeminiServer.BaseUri, Model = "gemini-3.8-live", SystemInstruction = "Echo persona", Metrics = _geminiMetrics },
            Bridge);
        using var cts = new CancellationTokenSource(Timeout);
        await Connection.StartAsync(cts.Token);
        await Conversation.StartAsync(cancellationToken: cts.Token);
        Bridge.Attach(Connection, Conversation);
    }
}
