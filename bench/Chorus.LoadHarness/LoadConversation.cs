using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.LoadHarness;

/// <summary>
/// Our bot in one emulated guild (voice connection + Gemini
/// conversation + streaming bridge), answering its scripted user through the shared emulators.
/// </summary>
internal sealed class LoadConversation : IStreamingBridgeObserver, IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    // The bridge's instruments of its own: the report sums each conversation's counts (BridgeCounts).
    private readonly GatewayMetrics _bridgeMetrics = new();
    private VoiceConnection? _voice;
    private DaveSession? _dave;
    private GeminiConversation? _gemini;
    private long _failures;
    private long _turnsCompleted;

    private LoadConversation(StreamingBridgeOptions options)
    {
        BridgeCounts = new MeterTotals(_bridgeMetrics.Meter);
        Bridge = new StreamingBridge(options, this, NullLogger.Instance, metrics: _bridgeMetrics);
        DiscordTotals = new MeterTotals(DiscordMetrics.Meter);
    }

    public StreamingBridge Bridge { get; }

    /// <summary>What this conversation's bridge counted: frames to Gemini, drops, turns, interruptions.</summary>
    public MeterTotals BridgeCounts { get; }

    public VoiceConnection? Voice => _voice;

    public DaveSession? Dave => _dave;

    /// <summary>The instruments of this conversation's voice connection and DAVE session, a meter of their own.</summary>
    public DiscordMetrics DiscordMetrics { get; } = new();

    /// <summary>What this conversation's voice connection and DAVE session counted.</summary>
    public MeterTotals DiscordTotals { get; }

    public GeminiConversation? Gemini => _gemini;

    public long Failures => Interlocked.Read(ref _failures);

    public long TurnsCompleted => Interlocked.Read(ref _turnsCompleted);

    public static async Task<LoadConversation> ConnectAsync(
        VoiceServerCredentials credentials, Uri geminiBaseUri, StreamingBridgeOptions options, bool dave, CancellationToken cancellationToken,
        LoadConversationProbe? probe = null)
    {
        var conversation = new LoadConversation(options);
        try
        {
            await conversation.StartAsync(credentials, geminiBaseUri, dave, probe, cancellationToken);
            return conversation;
        }
        catch
        {
            await conversation.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        if (_gemini is not null)
        {
            await _gemini.DisposeAsync();
        }

        if (_voice is not null)
        {
            await _voice.DisposeAsync();
        }

        _dave?.Dispose();
        DiscordTotals.Dispose();
        BridgeCounts.Dispose();
        _bridgeMetrics.Meter.Dispose();
    }

    void IStreamingBridgeObserver.OnResumptionHandle(string handle)
    {
    }

    void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error) => Interlocked.Increment(ref _failures);

    void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
    {
    }

    void IStreamingBridgeObserver.OnTurnComplete() => Interlocked.Increment(ref _turnsCompleted);

    private async Task StartAsync(
        VoiceServerCredentials credentials, Uri geminiBaseUri, bool dave, LoadConversationProbe? probe, CancellationToken cancellationToken)
    {
        // The emulator's default voice channel of a guild is guild id + 1; its id is the MLS group id.
        _dave = dave ? new DaveSession(credentials.UserId, credentials.GuildId + 1, metrics: DiscordMetrics) : null;
        _voice = new VoiceConnection(credentials, new VoiceConnectionOptions
        {
            UseTls = false,
            Metrics = DiscordMetrics,
            PcmFrameHandler = probe is null ? Bridge.OnPcmFrame : probe.Observe(Bridge.OnPcmFrame),
            MaxDaveProtocolVersion = dave ? 1 : 0,
            DaveHandler = probe is null || _dave is null ? _dave : probe.Observe(_dave),
            FrameCryptor = probe is null || _dave is null ? _dave : probe.ObserveCryptor(_dave),
        });
        _gemini = new GeminiConversation(
            new GeminiLiveOptions { ApiKey = "emulator-key", BaseUri = geminiBaseUri, Model = "gemini-3.8-live", SystemInstruction = "Echo persona" },
            Bridge);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        await _voice.StartAsync(timeout.Token);
        await _gemini.StartAsync(cancellationToken: timeout.Token);
        Bridge.Attach(_voice, _gemini);
    }
}
