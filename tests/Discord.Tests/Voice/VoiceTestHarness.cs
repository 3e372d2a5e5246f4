using Chorus.Diagnostics;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Receive;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Voice;

/// <summary>An emulated voice server plus our client joined to it, with the PCM it hears collected per user.</summary>
internal sealed class VoiceTestHarness : IAsyncDisposable
{
    public const ulong Guild = 4242;
    public const ulong Bot = 1001;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, List<short>> _heard = [];
    private readonly List<VoiceConnectionState> _states = [];
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = [];

    private VoiceTestHarness(EmulatedVoiceServer server)
    {
        Server = server;
        Server.Changed += Notify;
        Totals = new MeterTotals(Metrics.Meter);
    }

    public EmulatedVoiceServer Server { get; }
    public VoiceConnection Connection { get; private set; } = null!;

    /// <summary>The instruments of the harness's connection, a meter of its own.</summary>
    public DiscordMetrics Metrics { get; } = new();

    /// <summary>What the harness's connection counted.</summary>
    public MeterTotals Totals { get; }

    public List<EmulatedVoiceServer> ExtraServers { get; } = [];

    public static async Task<VoiceTestHarness> StartAsync(EmulatedVoiceServerOptions? serverOptions = null, bool tls = false, bool connect = true)
    {
        var harness = new VoiceTestHarness(await EmulatedVoiceServer.StartAsync(serverOptions));
        if (connect)
        {
            await harness.ConnectAsync(tls);
        }

        return harness;
    }

    public static VoiceServerCredentials ToClient(EmulatedVoiceCredentials c, bool tls = false) =>
        new(tls ? c.TlsEndpoint : c.Endpoint, c.GuildId, c.UserId, c.SessionId, c.Token);

    public async Task ConnectAsync(bool tls = false, VoiceConnectionOptions? options = null)
    {
        var credentials = ToClient(Server.CreateCredentials(Guild, Bot), tls);
        var thumbprint = Server.Certificate.Thumbprint;
        options ??= new VoiceConnectionOptions();
        options = options with
        {
            UseTls = tls,
            Metrics = Metrics,
            PcmFrameHandler = OnFrame,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            DisconnectGracePeriod = TimeSpan.FromSeconds(1),
            ConfigureWebSocket = o => o.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint,
        };
        Connection = new VoiceConnection(credentials, options);
        Connection.StateChanged += state =>
        {
            lock (_gate)
            {
                _states.Add(state);
            }

            Notify();
        };
        Connection.UserConnected += _ => Notify();
        Connection.UserDisconnected += _ => Notify();
        Connection.UserSpeaking += _ => Notify();
        using var cts = new CancellationTokenSource(Timeout);
        await Connection.StartAsync(cts.Token);
    }

    public IReadOnlyList<VoiceConnectionState> States
    {
        get
        {
            lock (_gate)
            {
                return [.. _states];
            }
        }
    }

    public short[] Heard(ulong userId)
    {
        lock (_gate)
        {
            return _heard.TryGetValue(userId, out var list) ? [.. list] : [];
        }
    }

    /// <summary>
    /// Completes when <paramref name="done"/> holds: re-checked on every frame heard, every connection event and every
    /// change the emulated server reports; fails after <see cref="Timeout"/>.
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((done, signal));
        }

        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (!done())
            {
                await signal.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Timed out waiting for: {what}. States: {string.Join(",", States)}; received {Totals.Total(DiscordMetrics.PacketsReceivedName)}, dropped {Totals.Total(DiscordMetrics.PacketsDroppedName)}, delivered {Totals.Total(DiscordMetrics.FramesDeliveredName)}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
            }
        }
    }

    /// <summary>Re-evaluates waiters whose condition depends on something other than frames or states.</summary>
    public void Notify()
    {
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Done())
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void OnFrame(VoicePcmFrame frame)
    {
        lock (_gate)
        {
            if (!_heard.TryGetValue(frame.UserId, out var list))
            {
                _heard[frame.UserId] = list = [];
            }

            foreach (var s in frame.Samples)
            {
                list.Add(s);
            }
        }
        Notify();
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        await Server.DisposeAsync();
        Totals.Dispose();
        foreach (var extra in ExtraServers)
        {
            await extra.DisposeAsync();
        }
    }
}
