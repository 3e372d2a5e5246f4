using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Emulators.Voice;

namespace Chorus.Interop.Voice;

/// <summary>Our client in an <see cref="InteropVoiceCall"/>: VoiceConnection + DaveSession, recording one other user (16 kHz).</summary>
internal sealed class InteropBot : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<short> _heard = [];
    private readonly ulong _listenTo;
    private int _wanted = int.MaxValue;
    private TaskCompletionSource _heardEnough = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InteropBot(EmulatedVoiceCredentials credentials, ulong listenTo, bool dave)
    {
        _listenTo = listenTo;
        UserId = credentials.UserId;
        Totals = new MeterTotals(Metrics.Meter);
        Dave = dave ? new DaveSession(credentials.UserId, credentials.ChannelId, metrics: Metrics) : null;
        Connection = new VoiceConnection(
            new VoiceServerCredentials(credentials.Endpoint, credentials.GuildId, credentials.UserId, credentials.SessionId, credentials.Token),
            new VoiceConnectionOptions
            {
                UseTls = false,
                Metrics = Metrics,
                MaxDaveProtocolVersion = dave ? 1 : 0,
                DaveHandler = Dave,
                FrameCryptor = Dave,
                PcmFrameHandler = frame =>
                {
                    if (frame.UserId != _listenTo)
                    {
                        return;
                    }

                    lock (_gate)
                    {
                        foreach (var s in frame.Samples)
                        {
                            _heard.Add(s);
                        }

                        if (_heard.Count >= _wanted)
                        {
                            _heardEnough.TrySetResult();
                        }
                    }
                },
            });
    }

    public ulong UserId { get; }

    public VoiceConnection Connection { get; }

    public DaveSession? Dave { get; }

    /// <summary>The instruments of this bot's connection and DAVE session, a meter of their own.</summary>
    public DiscordMetrics Metrics { get; } = new();

    /// <summary>What this bot counted.</summary>
    public MeterTotals Totals { get; }

    /// <summary>Forgets what was heard so far; the task completes once <paramref name="samples"/> more arrived.</summary>
    public Task StartListening(int samples)
    {
        lock (_gate)
        {
            _heard.Clear();
            _wanted = samples;
            _heardEnough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _heardEnough.Task;
        }
    }

    public short[] Heard()
    {
        lock (_gate)
        {
            return [.. _heard];
        }
    }

    /// <summary>Waits until our session executed the transition into <paramref name="epoch"/> with exactly <paramref name="members"/>.</summary>
    public Task WaitForEpochAsync(ulong epoch, params ulong[] members) =>
        Wait.UntilAsync(
            () => Dave!.Epoch == epoch && Dave.GroupEpoch == epoch && Dave.IsReadyToSend && Dave.GroupMembers.SequenceEqual(members.Order()),
            changed => Dave!.Changed += changed, changed => Dave!.Changed -= changed, InteropVoiceCall.Timeout,
            () => $"our session in epoch {epoch} with [{string.Join(',', members)}]; it is in {Dave!.Epoch}/{Dave.GroupEpoch} with [{string.Join(',', Dave.GroupMembers)}]");

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        Dave?.Dispose();
        Totals.Dispose();
    }
}
