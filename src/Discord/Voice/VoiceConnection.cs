using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Encryption;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Receive;
using Chorus.Discord.Voice.Send;
using Chorus.Discord.Voice.Udp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Chorus.Discord.Voice;

/// <summary>
/// One bot's connection to one voice server: the voice gateway v8 session (with resume, rejoin and server moves),
/// the UDP socket, the receive path (per-user 16 kHz PCM) and the paced send path (24 kHz PCM in).
/// </summary>
public sealed partial class VoiceConnection : IVoiceGatewaySender, IAsyncDisposable
{
    private readonly VoiceConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly DiscordMetrics _metrics;
    private readonly VoicePacingClock _clock;
    private readonly ResiliencePipeline _connectPipeline;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<ulong> _connectedUsers = [];
    private TaskCompletionSource _ready = NewReadySignal();
    private VoiceServerCredentials _credentials;
    private VoiceServerCredentials? _pendingMove;
    private TaskCompletionSource<VoiceServerCredentials>? _moveWaiter;
    private Task? _supervisor;
    private VoiceUdpConnection? _udp;
    private TransportCipher? _receiveCipher;
    private TransportCipher? _sendCipher;
    private int _state;
    private int _lastSeq = -1;
    // Malformed gateway messages so far: what thins their log line under a flood.
    private long _malformedMessagesSeen;
    private bool _hasSession;

    /// <summary>A connection that is not started yet.</summary>
    /// <param name="credentials">Endpoint, session id and token from the main gateway; the token is never logged.</param>
    /// <param name="options">Transport, DAVE and timing settings; the defaults when null.</param>
    /// <param name="logger">Optional logger.</param>
    public VoiceConnection(VoiceServerCredentials credentials, VoiceConnectionOptions? options = null, ILogger? logger = null)
    {
        _credentials = credentials;
        _options = options ?? new VoiceConnectionOptions();
        _logger = logger ?? NullLogger.Instance;
        _clock = _options.Clock ?? VoicePacingClock.Shared;
        var metrics = _metrics = _options.Metrics ?? DiscordMetrics.Default;
        Receiver = new VoiceReceiver(_options.Receiver, _logger, _clock.Time, _options.PcmFrameHandler, metrics)
        {
            FrameCryptor = _options.FrameCryptor ?? PassthroughFrameCryptor.Instance,
        };
        Sender = new VoiceSender(new PlayoutBuffer(_options.PlayoutCapacity), _options.OpusBitrate, _clock.Time, metrics)
        {
            FrameCryptor = _options.FrameCryptor ?? PassthroughFrameCryptor.Instance,
        };
        _connectPipeline = BuildConnectPipeline(_options);
    }

    /// <summary>The receive path: RTP in, decoded 16 kHz frames out.</summary>
    public VoiceReceiver Receiver { get; }

    /// <summary>The send path: 24 kHz PCM in, paced Opus RTP out.</summary>
    public VoiceSender Sender { get; }

    /// <summary>Where the connection is in its lifecycle.</summary>
    public VoiceConnectionState State => (VoiceConnectionState)Volatile.Read(ref _state);

    internal VoiceServerCredentials Credentials => _credentials;

    /// <summary>Our SSRC from the latest Ready.</summary>
    public uint Ssrc { get; private set; }

    /// <summary>The negotiated transport encryption mode.</summary>
    public string? EncryptionMode { get; private set; }

    /// <summary>The DAVE protocol version from the latest session description (0 = none).</summary>
    public int DaveProtocolVersion { get; private set; }

    /// <summary>Why the connection closed for good, once it has.</summary>
    internal VoiceConnectionClosed? ClosedReason { get; private set; }

    internal IReadOnlyCollection<ulong> ConnectedUsers
    {
        get
        {
            lock (_gate)
            {
                return [.. _connectedUsers];
            }
        }
    }

    /// <summary>Raised on every state change, on the connection's own task.</summary>
    public event Action<VoiceConnectionState>? StateChanged;
    /// <summary>Raised for each op 5 Speaking from the server (a user's SSRC and speaking flags).</summary>
    public event Action<VoiceSpeakingUpdate>? UserSpeaking;
    /// <summary>Raised for each user id in op 11 Clients Connect.</summary>
    public event Action<ulong>? UserConnected;
    /// <summary>Raised for op 13 Client Disconnect with the user id that left.</summary>
    public event Action<ulong>? UserDisconnected;
    /// <summary>Raised once when the connection stops for good, with why.</summary>
    public event Action<VoiceConnectionClosed>? Closed;

    /// <summary>Starts the connection and waits until it is Ready (session description received).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_supervisor is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        // Subscribed before the clock can tick the sender, and dropped in DisposeAsync after it stops.
        Sender.SpeakingChanged += OnSpeakingChanged;
        _clock.Register(Sender);
        _supervisor = Task.Run(() => SuperviseAsync(_stop.Token), CancellationToken.None);
        await WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when the connection is (again) Ready; throws if it closed for good.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        Task ready;
        lock (_gate)
        {
            ready = _ready.Task;
        }

        return ready.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Follows a server move (a new VOICE_SERVER_UPDATE): leaves the current server and identifies on the new one.
    /// </summary>
    public void MoveTo(VoiceServerCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        lock (_gate)
        {
            if (_moveWaiter is not null)
            {
                _moveWaiter.TrySetResult(credentials);
                return;
            }
            _pendingMove = credentials;
        }
        _metrics.VoiceHandovers.Add(1, MetricTag.Move);
        EndCurrentSession();
    }

    /// <inheritdoc cref="MoveTo"/>
    public Task MoveAsync(VoiceServerCredentials credentials, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _ready = _ready.Task.IsCompleted ? NewReadySignal() : _ready;
        }

        MoveTo(credentials);
        return WaitUntilReadyAsync(cancellationToken);
    }

    /// <summary>Closes the voice gateway and UDP socket and stops the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _clock.Unregister(Sender);
        Sender.SpeakingChanged -= OnSpeakingChanged;
        _stopping = true;
        EndCurrentSession();
        if (_supervisor is not null)
        {
            // A clean close first; cancellation only if the server does not answer it.
            await Task.WhenAny(_supervisor, Task.Delay(TimeSpan.FromSeconds(3))).ConfigureAwait(false);
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _supervisor.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        else
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        await ReplaceUdpAsync(null).ConfigureAwait(false);
        Sender.SetTransport(null, 0, null);
        Receiver.SetTransport(null, 0);
        _receiveCipher?.Dispose();
        _sendCipher?.Dispose();
        SetState(VoiceConnectionState.Closed);
        _stop.Dispose();
    }

    private static TaskCompletionSource NewReadySignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void SetState(VoiceConnectionState state)
    {
        if (Interlocked.Exchange(ref _state, (int)state) == (int)state)
        {
            return;
        }

        if (state is VoiceConnectionState.Resuming or VoiceConnectionState.Rejoining or VoiceConnectionState.Connecting)
        {
            lock (_gate)
            {
                if (_ready.Task.IsCompletedSuccessfully)
                {
                    _ready = NewReadySignal();
                }
            }
        }
        Raise(StateChanged, state);
    }

    private void Raise<T>(Action<T>? handler, T value)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(value);
        }
#pragma warning disable CA1031 // A subscriber's bug must not end the voice session.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSubscriberFailed(_logger, ex);
        }
    }

    private async Task ReplaceUdpAsync(VoiceUdpConnection? replacement)
    {
        var old = Interlocked.Exchange(ref _udp, replacement);
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A voice connection event subscriber threw")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
