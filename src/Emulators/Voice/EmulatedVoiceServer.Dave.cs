using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Emulators.Voice.Dave;
using Microsoft.Extensions.Logging;

namespace Chorus.Emulators.Voice;

// DAVE (brief §5.5, §6.4): one EmulatedDaveDeliveryService per guild's call drives the MLS group over the participants' sockets.
// All DAVE traffic of the server is serialized by one lock held until the resulting messages are sent, so every client
// sees the deliveryService's messages in the order the deliveryService produced them.
public sealed partial class EmulatedVoiceServer
{
    private readonly Dictionary<ulong, EmulatedDaveDeliveryService> _daveDeliveryServices = [];
    private readonly SemaphoreSlim _daveLock = new(1, 1);

    // Filled by the delivery services' callbacks during a pump, drained right after it; only touched under _daveLock.
    private readonly List<(EmulatedVoiceParticipant To, int Op, byte[] Payload, bool IsJson)> _daveOutbox = [];

    // One per guild's call, armed for the pending transition's deadline after every exchange; only touched under _daveLock.
    private readonly Dictionary<ulong, ITimer> _daveTransitionTimers = [];

    /// <summary>The guild call's DAVE deliveryService role (null before a DAVE participant joined): epoch, commits, transitions.</summary>
    public EmulatedDaveDeliveryService? GetDaveDeliveryService(ulong guildId)
    {
        lock (_gate)
        {
            return _daveDeliveryServices.GetValueOrDefault(guildId);
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> on the guild's DAVE deliveryService under the server's DAVE lock, then sends whatever it
    /// queued: the thread-safe way for tests to call CorruptNextCommitFor, DeferNextCommitFrom and the like.
    /// </summary>
    public Task ScriptDaveDeliveryServiceAsync(ulong guildId, Action<EmulatedDaveDeliveryService> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (GetDaveDeliveryService(guildId) is null)
        {
            throw new InvalidOperationException($"No DAVE participant has joined guild {guildId}'s call.");
        }

        return WithDaveAsync(guildId, (deliveryService, _) => script(deliveryService), create: null, raiseChanged: false);
    }

    private int NegotiatedDaveVersion(EmulatedVoiceParticipant participant) =>
        Options.DaveProtocolVersion >= 1 && participant.MaxDaveVersion >= 1 ? 1 : 0;

    /// <summary>After op 4 with version 1 (and op 11/5): the participant becomes a pending member and gets op 25.</summary>
    /// <param name="participant"></param>
    /// <param name="joined">Runs right after the join, under the DAVE lock (a scripted member starts its session there).</param>
    private Task DaveJoinAsync(EmulatedVoiceParticipant participant, Action? joined = null) => WithDaveAsync(participant.GuildId, (deliveryService, deliver) =>
    {
        if (deliveryService.IsConnected(participant.UserId))
        {
            deliveryService.Disconnect(participant.UserId); // re-identified: its old MLS state is gone
        }

        deliveryService.Join(participant.UserId, (op, payload, isJson) => deliver(participant, op, payload, isJson));
        joined?.Invoke();
    }, create: participant);

    private Task DaveLeaveAsync(EmulatedVoiceParticipant participant) => WithDaveAsync(participant.GuildId, (deliveryService, _) =>
        deliveryService.Disconnect(participant.UserId), create: null);

    private Task DaveReceiveAsync(EmulatedVoiceParticipant participant, int opcode, byte[] payload, bool isJson) =>
        WithDaveAsync(participant.GuildId, (deliveryService, _) =>
        {
            if (deliveryService.IsConnected(participant.UserId))
            {
                deliveryService.Receive(participant.UserId, opcode, payload, isJson);
            }
            else
            {
                Interlocked.Increment(ref Counters._unknownOpcodes);
            }
        }, create: null);

    /// <summary>Points the guild's timer at the pending transition's deadline, or stops it when none is pending.</summary>
    private void ArmTransitionTimeout(ulong guildId, EmulatedDaveDeliveryService deliveryService)
    {
        var deadline = deliveryService.TransitionDeadline;
        if (!_daveTransitionTimers.TryGetValue(guildId, out var timer))
        {
            if (deadline is null)
            {
                return;
            }

            // Off the timer's thread: a fake clock fires timers inside Advance (or inside Change, for a due time of zero),
            // and running the exchange there re-entered the clock from under the DAVE lock (seen spinning in Advance).
            timer = Options.TimeProvider.CreateTimer(_ => _ = Task.Run(() => TransitionTimedOutAsync(guildId)), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _daveTransitionTimers[guildId] = timer;
        }

        timer.Change(TransitionTimerDue(deadline, Options.TimeProvider.GetUtcNow()), Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// When the guild's transition timer should fire: at the deadline (at once when it has passed), or never when no
    /// transition is pending. Infinite is -1 ms, so it must not be clamped like a passed deadline: that fired the timer
    /// at once after every exchange, forever (each firing re-armed it), a busy loop per guild.
    /// </summary>
    private static TimeSpan TransitionTimerDue(DateTimeOffset? deadline, DateTimeOffset now) =>
        deadline is { } at ? (at > now ? at - now : TimeSpan.Zero) : Timeout.InfiniteTimeSpan;

    private async Task TransitionTimedOutAsync(ulong guildId)
    {
        Interlocked.Increment(ref Counters._daveTransitionTimerFirings);
        try
        {
            // A later exchange may have executed or replaced the transition meanwhile: the service checks the deadline again.
            await WithDaveAsync(guildId, (deliveryService, _) => deliveryService.ExecuteTimedOutTransition(), create: null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && _stop.IsCancellationRequested)
        {
            // The server is stopping; its calls end with it.
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "DAVE transition timeout in guild {GuildId} failed", guildId);
        }
    }

    private async Task WithDaveAsync(
        ulong guildId, Action<EmulatedDaveDeliveryService, Action<EmulatedVoiceParticipant, int, byte[], bool>> act, EmulatedVoiceParticipant? create, bool raiseChanged = true)
    {
        await _daveLock.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            EmulatedDaveDeliveryService? deliveryService;
            lock (_gate)
            {
                if (!_daveDeliveryServices.TryGetValue(guildId, out deliveryService) && create is not null)
                {
                    var channelId = create.Scripted?.Dave?.ChannelId
                        ?? (_credentials.TryGetValue((guildId, create.UserId), out var c) ? c.ChannelId : guildId + 1);
                    deliveryService = new EmulatedDaveDeliveryService(channelId, Options.TimeProvider, Options.DaveTransitionTimeout);
                    _daveDeliveryServices[guildId] = deliveryService;
                }
            }
            if (deliveryService is null)
            {
                return;
            }

            act(deliveryService, (to, op, payload, isJson) => _daveOutbox.Add((to, op, payload, isJson)));
            try
            {
                deliveryService.Pump();
            }
            catch (InvalidOperationException ex)
            {
                _logger.LogWarning(ex, "DAVE exchange in guild {GuildId} did not settle", guildId);
            }

            ArmTransitionTimeout(guildId, deliveryService);
            var outbox = _daveOutbox.ToList();
            _daveOutbox.Clear();
            foreach (var (to, op, payload, isJson) in outbox)
            {
                if (to.Scripted is not null)
                {
                    DeliverToScripted(to, op, payload, isJson);
                }
                else if (isJson)
                {
                    await SendSequencedAsync(to, op, JsonNode.Parse(payload)).ConfigureAwait(false);
                }
                else
                {
                    await SendBinaryFrameAsync(to, (byte)op, payload).ConfigureAwait(false);
                }
            }
            Interlocked.Add(ref Counters._daveMessagesOut, outbox.Count);
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "DAVE message in guild {GuildId} dropped", guildId);
        }
        finally
        {
            _daveLock.Release();
        }
        if (raiseChanged)
        {
            Changed?.Invoke();
        }
    }
}
