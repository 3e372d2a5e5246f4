using System.Buffers.Binary;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Discord.Dave.Session;

/// <summary>
/// The client side of DAVE for one voice connection (discord-voice.md 5.6): drives the MLS group from the voice gateway's
/// DAVE opcodes, answers with ops 23, 26, 28 and 31, and encrypts/decrypts media frames with the current epoch's keys.
/// Hand it to the connection both as its <see cref="IDaveOpcodeHandler"/> and as its <see cref="IVoiceFrameCryptor"/>.
/// Opcodes are processed under a lock, replies are sent after it is released, in order. Hostile input is counted in
/// <see cref="DiscordMetrics"/> and logged; nothing here throws back into the connection.
/// </summary>
public sealed partial class DaveSession : IDaveOpcodeHandler, IVoiceFrameCryptor, IDisposable
{
    /// <summary>How long unencrypted frames stay acceptable after a transition back to E2EE (libdave's default).</summary>
    public static readonly TimeSpan PassthroughExpiry = TimeSpan.FromSeconds(10);

    // Two locks, always taken in this order: _gate serialises the gateway's messages and the MLS work they bring (a
    // commit over a large group holds it for tens of milliseconds); _media guards what the frame paths read (keys,
    // passthrough, pending transitions) and is held only for swaps, so a commit never stalls a packet.
    private readonly Lock _gate = new();
    private readonly DiscordMetrics _metrics;
    // Rejected messages so far: what thins their log line under a flood.
    private long _rejectedSeen;
    private readonly Lock _media = new();
    private readonly byte[] _groupId = new byte[8];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<ulong> _recognizedUsers = [];
    private readonly Dictionary<ushort, (int Version, long Order)> _pendingTransitions = [];
    private readonly DaveMediaKeys _mediaKeys;
    private readonly MlsIdentity _identity;
    private Task _sends = Task.CompletedTask;
    private ExternalSender? _externalSender;
    private KeyPackageBundle? _keyPackage;
    private MlsGroup? _pendingGroup;
    private MlsGroup? _group;
    private DateTimeOffset _passthroughUntil = DateTimeOffset.MinValue;
    private int _protocolVersion;
    private bool _described;
    private bool _disposed;
    private bool _sendPassthrough;
    private bool _readyToSend;
    private string? _privacyCode;
    private ulong? _executedEpoch;
    private ulong? _groupEpoch;
    private long _transitionsRegistered;

    /// <param name="selfUserId">The bot's user id (its MLS credential).</param>
    /// <param name="channelId">The voice channel id (the MLS group id).</param>
    /// <param name="logger"></param>
    /// <param name="time"></param>
    /// <param name="metrics">Where decrypt failures and rejected messages are counted for export; <see cref="DiscordMetrics.Default"/> when null.</param>
    public DaveSession(ulong selfUserId, ulong channelId, ILogger<DaveSession>? logger = null, TimeProvider? time = null, DiscordMetrics? metrics = null)
    {
        _metrics = metrics ?? DiscordMetrics.Default;
        SelfUserId = selfUserId;
        ChannelId = channelId;
        BinaryPrimitives.WriteUInt64BigEndian(_groupId, channelId);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<DaveSession>.Instance;
        _mediaKeys = new DaveMediaKeys(selfUserId, _time);
        _identity = MlsIdentity.Generate(selfUserId);
        _recognizedUsers.Add(selfUserId);
    }

    internal ulong SelfUserId { get; }

    /// <summary>The voice channel id; DAVE derives the MLS group id from it.</summary>
    public ulong ChannelId { get; }

    /// <summary>
    /// True once outgoing audio can be sent: the call runs without E2EE (protocol version 0), or our send key of an
    /// executed transition is installed. The bot sends no audio before; <see cref="IVoiceFrameCryptor.TryEncrypt"/> refuses.
    /// </summary>
    public bool IsReadyToSend => Volatile.Read(ref _readyToSend);

    /// <summary>Raised (outside the session's lock) whenever <see cref="IsReadyToSend"/> changes.</summary>
    public event Action<bool>? ReadyToSendChanged;

    /// <summary>
    /// Raised (outside the session's lock) after each gateway message the session handled, whatever it changed:
    /// the epochs, the group, readiness, the instruments. Lets a caller re-check state that has no event of its own.
    /// </summary>
    public event Action? Changed;

    /// <summary>Negotiated DAVE protocol version (op 4, op 24, or a downgrade transition; 0 = transport encryption only).</summary>
    public int ProtocolVersion
    {
        get
        {
            lock (_gate)
            {
                return _protocolVersion;
            }
        }
    }

    /// <summary>Epoch whose keys we send with (updated when a transition executes); null before the first.</summary>
    public ulong? Epoch
    {
        get
        {
            lock (_media)
            {
                return _executedEpoch;
            }
        }
    }

    /// <summary>Epoch of the group we hold (ahead of <see cref="Epoch"/> while a transition is pending); null when not in a group.</summary>
    public ulong? GroupEpoch
    {
        get
        {
            lock (_media)
            {
                return _groupEpoch;
            }
        }
    }

    /// <summary>The 30-digit voice privacy code of the executed epoch; null before the first.</summary>
    public string? PrivacyCode
    {
        get
        {
            lock (_gate)
            {
                return _privacyCode;
            }
        }
    }

    /// <summary>User ids of the group we hold, ours included; empty when not in a group.</summary>
    public IReadOnlyList<ulong> GroupMembers
    {
        get
        {
            lock (_gate)
            {
                return _group is null ? [] : [.. _group.Members.Where(m => m.UserId.HasValue).Select(m => m.UserId!.Value).Order()];
            }
        }
    }

    /// <summary>Recognised users (ops 11/13 plus ourselves); Add proposals for anyone else are rejected.</summary>
    public IReadOnlyCollection<ulong> RecognizedUsers
    {
        get
        {
            lock (_gate)
            {
                return [.. _recognizedUsers];
            }
        }
    }

    /// <summary>Completes when every reply queued so far has been handed to the gateway sender.</summary>
    public Task WhenSent()
    {
        lock (_gate)
        {
            return _sends;
        }
    }

    /// <summary>Op 11: users joined the call.</summary>
    public void AddRecognizedUsers(IEnumerable<ulong> userIds)
    {
        lock (_gate)
        {
            _recognizedUsers.UnionWith(userIds);
        }
    }

    /// <summary>Op 13: a user left the call; their receive keys are dropped.</summary>
    public void RemoveRecognizedUser(ulong userId)
    {
        if (userId == SelfUserId)
        {
            return;
        }

        lock (_gate)
        {
            _recognizedUsers.Remove(userId);
            lock (_media)
            {
                _mediaKeys.RemoveSender(userId);
            }
        }
    }

    /// <summary>Replaces the set of users the voice gateway reports as connected (ops 11 and 13); Add proposals are accepted only for these users, and departed users' media keys are dropped.</summary>
    public void OnClientsChanged(IReadOnlyCollection<ulong> connectedUserIds)
    {
        lock (_gate)
        {
            foreach (var gone in _recognizedUsers.Where(u => u != SelfUserId && !connectedUserIds.Contains(u)).ToList())
            {
                _recognizedUsers.Remove(gone);
                lock (_media)
                {
                    _mediaKeys.RemoveSender(gone);
                }
            }

            _recognizedUsers.UnionWith(connectedUserIds);
        }
    }

    /// <summary>Releases the MLS state and media keys; later calls do nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            lock (_media)
            {
                _disposed = true;
                _mediaKeys.Dispose();
            }

            _identity.SignatureKey.Dispose();
        }
    }

    private void SetReady(bool ready, List<Outgoing> replies)
    {
        if (_readyToSend != ready)
        {
            Volatile.Write(ref _readyToSend, ready);
            replies.Add(Outgoing.ReadinessChange(ready));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "DAVE op {Opcode} rejected: {Reason} ({Count} rejected so far)")]
    private static partial void LogRejected(ILogger logger, int opcode, string reason, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DAVE commit/welcome for transition {TransitionId} invalid ({Reason}); resetting the group")]
    private static partial void LogInvalidCommitWelcome(ILogger logger, int transitionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "DAVE transition {TransitionId} executed: protocol {Version}, epoch {Epoch}")]
    private static partial void LogTransitionExecuted(ILogger logger, int transitionId, int version, ulong? epoch);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DAVE reply op {Opcode} could not be sent: {Error}")]
    private static partial void LogSendFailed(ILogger logger, int opcode, string error);
}
