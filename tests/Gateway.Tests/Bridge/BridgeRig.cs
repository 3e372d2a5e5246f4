using Chorus.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Send;
using Chorus.Gateway.Bridge;
using Chorus.Gateway.Diagnostics;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Gateway.Tests.Bridge;

/// <summary>A bridge on a fake clock, attached to an unstarted voice connection and a stand-in for the model's socket.</summary>
internal sealed class BridgeRig : IAsyncDisposable, IStreamingBridgeObserver
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private readonly VoicePacingClock _clock;
    private readonly GatewayMetrics _metrics = new();
    private int _failures;

    public BridgeRig()
    {
        _clock = new VoicePacingClock(threads: 1, time: Time);
        Totals = new MeterTotals(_metrics.Meter);
        Bridge = new StreamingBridge(new StreamingBridgeOptions(), this, Log, Time, _metrics);
        Voice = new VoiceConnection(
            new VoiceServerCredentials("127.0.0.1:1", 1, 2, "session", "token"),
            new VoiceConnectionOptions { Clock = _clock, PcmFrameHandler = Bridge.OnPcmFrame });
        Bridge.AttachUplink(Voice, Uplink);
    }

    public FakeTimeProvider Time { get; } = new();

    public CapturingLogger Log { get; } = new();

    public StandInUplink Uplink { get; } = new();

    public StreamingBridge Bridge { get; }

    /// <summary>What this rig's bridge counted (its own instruments).</summary>
    public MeterTotals Totals { get; }

    public VoiceConnection Voice { get; }

    public int Failures => Volatile.Read(ref _failures);

    public GeminiLiveException? LastFailure { get; private set; }

    /// <summary>Frames of speech straight into the gate, as the mixer hands them over.</summary>
    public void Speak(int frames)
    {
        for (var i = 0; i < frames; i++)
        {
            Bridge.Gate.OnMixedFrame(Signals.Tone(300, -20), Time.GetTimestamp());
        }
    }

    /// <summary>The client's silence frames that close a talk spurt.</summary>
    public void Silence(int frames)
    {
        for (var i = 0; i < frames; i++)
        {
            Bridge.Gate.OnMixedFrame(new short[320], Time.GetTimestamp());
        }
    }

    public Task WaitForSendsAsync(int sends) =>
        Wait.UntilAsync(() => Uplink.Sends >= sends, Uplink.Changed, WaitLimit, () => $"{sends} sends (saw {Uplink.Sends})");

    public Task WaitForStreamEndsAsync(int ends) =>
        Wait.UntilAsync(() => Uplink.StreamEnds >= ends, Uplink.Changed, WaitLimit, () => $"{ends} stream ends (saw {Uplink.StreamEnds})");

    void IStreamingBridgeObserver.OnConversationFailed(GeminiLiveException error)
    {
        LastFailure = error;
        Interlocked.Increment(ref _failures);
    }

    void IStreamingBridgeObserver.OnTurnComplete()
    {
    }

    void IStreamingBridgeObserver.OnResumptionHandle(string handle)
    {
    }

    void IStreamingBridgeObserver.OnTranscription(GeminiTranscriptionSource source, string text, bool finished)
    {
    }

    void IStreamingBridgeObserver.OnGeminiConnectionChanged(bool connected)
    {
    }

    public async ValueTask DisposeAsync()
    {
        Uplink.Release();
        await Bridge.DisposeAsync();
        await Voice.DisposeAsync();
        _clock.Dispose();
        Totals.Dispose();
        _metrics.Meter.Dispose();
    }
}

/// <summary>The model's socket: takes each chunk at once, or (blocked) holds the first send until released.</summary>
internal sealed class StandInUplink : StreamingBridge.IGeminiUplink
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sends;
    private int _streamEnds;

    public bool Blocked { get; set; }

    public ChangeSignal Changed { get; } = new();

    public int Sends => Volatile.Read(ref _sends);

    public int StreamEnds => Volatile.Read(ref _streamEnds);

    public void Release() => _released.TrySetResult();

    public async ValueTask<bool> TrySendAudioAsync(ReadOnlyMemory<byte> pcm16k, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        Changed.Notify();
        if (Blocked)
        {
            await _released.Task.WaitAsync(cancellationToken);
        }

        return true;
    }

    public ValueTask SendAudioStreamEndAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _streamEnds);
        Changed.Notify();
        return ValueTask.CompletedTask;
    }
}
