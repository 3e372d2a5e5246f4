using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Chorus.Discord.Voice.Gateway;
using Chorus.Mls;
using Chorus.Mls.Codec;
using Chorus.Mls.Crypto;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Emulators.Voice.Dave;

/// <summary>
/// The DAVE delivery service (the DAVE role of Discord's voice gateway, discord-voice.md 5.5) for in-process clients: external sender, Add/Remove proposals,
/// first-valid-commit selection, op 29/30 fan-out, op 23 collection and op 22, sole-member reset and op 31 recovery.
/// Messages travel through one FIFO queue that <see cref="Pump"/> drains, so runs are deterministic. It only sees what a
/// delivery service sees (no group keys). Clients are either in-process handlers (<see cref="Connect"/>, unit tests) or
/// remote sockets (<see cref="Join"/>, the emulated voice server), whose messages come in through <see cref="Receive"/>.
/// </summary>
public sealed class EmulatedDaveDeliveryService : IDisposable
{
    private readonly SignatureKeyPair _signer = SignatureKeyPair.Generate();
    private readonly byte[] _externalSender;
    private readonly Dictionary<ulong, Client> _clients = [];
    private readonly Queue<Message> _queue = new();
    private readonly List<InFlight> _inFlight = [];
    private readonly HashSet<ulong> _resetting = [];
    private readonly HashSet<ulong> _corruptNextCommitFor = [];
    private readonly HashSet<ulong> _deferNextCommitFrom = [];
    private readonly HashSet<ulong> _withholdReadyFrom = [];
    private readonly List<(ulong User, byte[] Payload)> _deferredCommits = [];
    private readonly List<(ulong User, int Opcode, byte[] Payload)> _fromClients = [];
    private readonly TimeProvider _time;
    private DeliveryServiceRoster? _roster;
    private Transition? _transition;
    private ushort _nextTransitionId = 1;

    /// <param name="channelId">The voice channel (its id is the MLS group id).</param>
    /// <param name="time">The clock the transition timeout is measured on (the system clock if null).</param>
    /// <param name="transitionTimeout">How long op 22 waits for op 23s; <see cref="DefaultTransitionTimeout"/> if null.</param>
    public EmulatedDaveDeliveryService(ulong channelId, TimeProvider? time = null, TimeSpan? transitionTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(transitionTimeout ?? DefaultTransitionTimeout, TimeSpan.Zero, nameof(transitionTimeout));
        _time = time ?? TimeProvider.System;
        TransitionTimeout = transitionTimeout ?? DefaultTransitionTimeout;
        ChannelId = channelId;
        GroupId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(GroupId, channelId);
        _externalSender = Tls.Encode(ExternalProposals.CreateSender(_signer, Encoding.ASCII.GetBytes("fake-voice-deliveryService")));
    }

    /// <summary>
    /// Discord's gateway sends op 22 when every member is ready "or a timeout" passes (discord-voice.md 5.5); its length is
    /// not published. 2 s is inferred from the DAVE whitepaper's "up to roughly two seconds" that removed members can still
    /// decrypt until the transition executes (discord-voice.md 10, open questions).
    /// </summary>
    public static readonly TimeSpan DefaultTransitionTimeout = TimeSpan.FromSeconds(2);

    public byte[] GroupId { get; }

    /// <summary>How long after a transition's op 29/30 op 22 goes out without waiting for the members still not ready.</summary>
    public TimeSpan TransitionTimeout { get; }

    /// <summary>
    /// When the pending transition times out (null when none is pending). Whoever drives the delivery service calls
    /// <see cref="ExecuteTimedOutTransition"/> then; it has no timer of its own, so its runs stay deterministic.
    /// </summary>
    public DateTimeOffset? TransitionDeadline => _transition is { } transition && AutoExecuteTransitions ? transition.AnnouncedAt + TransitionTimeout : null;

    /// <summary>The voice channel whose call this is (its id is the MLS group id).</summary>
    public ulong ChannelId { get; }

    public SignatureKeyPair Signer => _signer;

    /// <summary>Op 25 body.</summary>
    public ReadOnlySpan<byte> ExternalSenderPayload => _externalSender;

    /// <summary>Epoch of the established group (0 while there is none).</summary>
    public ulong Epoch => _roster?.Epoch ?? 0;

    public IReadOnlyList<ulong?> Leaves => _roster?.Leaves ?? [];

    /// <summary>When false, op 22 waits for <see cref="ExecuteTransition"/> instead of following the last op 23.</summary>
    public bool AutoExecuteTransitions { get; set; } = true;

    public int CommitsAccepted { get; private set; }

    public int CommitsDropped { get; private set; }

    public int TransitionsExecuted { get; private set; }

    /// <summary>Transitions executed by the timeout, with members still not ready (a subset of <see cref="TransitionsExecuted"/>).</summary>
    public int TransitionsTimedOut { get; private set; }

    /// <summary>Client messages dropped because they did not parse.</summary>
    public int MalformedDropped { get; private set; }

    /// <summary>Every client-to-delivery-service message, in arrival order.</summary>
    public IReadOnlyList<(ulong User, int Opcode, byte[] Payload)> FromClients => _fromClients;

    /// <summary>A client joins: op 4 (DAVE version 1), op 25, and op 11 for everyone.</summary>
    public void Connect(ulong userId, IDaveOpcodeHandler handler)
    {
        var link = new Link(this, userId);
        _clients[userId] = new Client(userId, handler, link, null);
        handler.OnSessionDescription(1, link);
        ToClient(userId, VoiceOpcode.DaveMlsExternalSender, _externalSender);
        foreach (var other in _clients.Values)
        {
            other.Handler?.OnClientsChanged(_clients.Keys.ToList());
        }
    }

    /// <summary>
    /// A remote client joins after its op 4 (DAVE version 1): queues op 25 for it. <paramref name="deliver"/> gets
    /// (opcode, payload, isJson) for each delivery-service-to-client message during <see cref="Pump"/>; op 11/13 are the caller's.
    /// </summary>
    public void Join(ulong userId, Action<int, byte[], bool> deliver)
    {
        _clients[userId] = new Client(userId, null, null, deliver);
        ToClient(userId, VoiceOpcode.DaveMlsExternalSender, _externalSender);
    }

    /// <summary>Queues a client-to-delivery-service message (ops 23, 26, 28, 31) from a remote client.</summary>
    public void Receive(ulong userId, int opcode, byte[] payload, bool isJson) =>
        _queue.Enqueue(new Message(userId, true, opcode, payload, isJson));

    public bool IsConnected(ulong userId) => _clients.ContainsKey(userId);

    /// <summary>A client leaves (op 13): Remove proposal, or the sole-member reset when one member remains.</summary>
    public void Disconnect(ulong userId)
    {
        if (!_clients.Remove(userId))
        {
            return;
        }

        foreach (var other in _clients.Values)
        {
            other.Handler?.OnClientsChanged(_clients.Keys.ToList());
        }

        RevokeAddsFor(userId);
        if (_roster?.LeafOf(userId) is not { } leaf)
        {
            return;
        }

        var remaining = Members().Where(u => u != userId).ToList();
        if (remaining.Count <= 1)
        {
            _roster = null;
            _inFlight.Clear();
            _transition = null;
            foreach (var user in remaining)
            {
                ToClientJson(user, VoiceOpcode.DavePrepareEpoch, "{\"epoch\":1,\"protocol_version\":1}");
                ToClientJson(user, VoiceOpcode.DavePrepareTransition, "{\"transition_id\":0,\"protocol_version\":1}");
            }

            return;
        }

        Propose(ExternalProposals.Remove(_signer, GroupId, Epoch, leaf), null, leaf, remaining);
    }

    /// <summary>Flip a byte of the next op 29 commit sent to <paramref name="userId"/> (to provoke op 31).</summary>
    public void CorruptNextCommitFor(ulong userId) => _corruptNextCommitFor.Add(userId);

    /// <summary>
    /// Holds back the next op 28 from <paramref name="userId"/> until another member's commit was accepted, then
    /// judges it (stale, so dropped): as if it lost the race on the network. Scripts which side commits.
    /// </summary>
    public void DeferNextCommitFrom(ulong userId) => _deferNextCommitFrom.Add(userId);

    /// <summary>Loses every op 23 from <paramref name="userId"/> on its way in: a member too slow to ever answer in time.</summary>
    public void WithholdTransitionReadyFrom(ulong userId) => _withholdReadyFrom.Add(userId);

    /// <summary>Injects a raw binary DAVE message to a client (through the queue).</summary>
    public void SendToClient(ulong userId, int opcode, byte[] payload) => ToClient(userId, opcode, payload);

    public void SendJsonToClient(ulong userId, int opcode, string json) => ToClientJson(userId, opcode, json);

    /// <summary>Starts a new group as after an upgrade: op 24 epoch 1 to everyone.</summary>
    public void RestartGroup()
    {
        _roster = null;
        _inFlight.Clear();
        _transition = null;
        foreach (var user in _clients.Keys)
        {
            ToClientJson(user, VoiceOpcode.DavePrepareEpoch, "{\"epoch\":1,\"protocol_version\":1}");
        }
    }

    /// <summary>Sends op 22 for the pending transition now (all members, ready or not, as after Discord's timeout).</summary>
    public void ExecuteTransition()
    {
        if (_transition is { } transition)
        {
            SendExecute(transition);
        }
    }

    /// <summary>
    /// Sends op 22 for the pending transition if its timeout has passed (true then), to every member ready or not. A member
    /// that had not yet processed the op 29/30 still gets it first (its socket is ordered), so it executes the commit late
    /// rather than never; one that failed it (op 31) does not know the transition id and ignores op 22, as libdave does.
    /// </summary>
    public bool ExecuteTimedOutTransition()
    {
        if (TransitionDeadline is not { } deadline || _time.GetUtcNow() < deadline)
        {
            return false;
        }

        TransitionsTimedOut++;
        SendExecute(_transition!);
        return true;
    }

    /// <summary>Delivers queued messages until none is left. Throws if the exchange does not settle.</summary>
    public void Pump(int maxSteps = 10_000)
    {
        for (var step = 0; DeliverNext(); step++)
        {
            if (step >= maxSteps)
            {
                throw new InvalidOperationException("DAVE exchange did not settle.");
            }
        }
    }

    /// <summary>Delivers the oldest queued message; false when the queue is empty.</summary>
    public bool DeliverNext()
    {
        if (!_queue.TryDequeue(out var message))
        {
            return false;
        }

        if (message.ToDeliveryService)
        {
            // A socket that closed takes its unread messages with it.
            if (_clients.ContainsKey(message.User))
            {
                _fromClients.Add((message.User, message.Opcode, message.Payload));
                try
                {
                    FromClient(message.User, message.Opcode, message.Payload);
                }
                catch (Exception ex) when (ex is MlsException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
                {
                    // Hostile or broken client bytes: dropped and counted, the group carries on.
                    MalformedDropped++;
                }
            }
        }
        else if (_clients.TryGetValue(message.User, out var client))
        {
            if (client.Deliver is { } deliver)
            {
                deliver(message.Opcode, message.Payload, message.IsJson);
            }
            else if (message.IsJson)
            {
                using var document = JsonDocument.Parse(message.Payload);
                client.Handler!.OnJsonOpcode(message.Opcode, document.RootElement, client.Link!);
            }
            else
            {
                client.Handler!.OnBinaryOpcode((byte)message.Opcode, message.Payload, client.Link!);
            }
        }

        return true;
    }

    public void Dispose() => _signer.Dispose();

    // ------------------------------------------------------------------ client messages

    private void FromClient(ulong user, int opcode, byte[] payload)
    {
        switch (opcode)
        {
            case VoiceOpcode.DaveMlsKeyPackage:
                OnKeyPackage(user, payload);
                break;
            case VoiceOpcode.DaveMlsCommitWelcome when _deferNextCommitFrom.Remove(user) && IsForCurrentEpoch(payload):
                _deferredCommits.Add((user, payload));
                break;
            case VoiceOpcode.DaveMlsCommitWelcome:
                OnCommitWelcome(user, payload);
                break;
            case VoiceOpcode.DaveTransitionReady when _withholdReadyFrom.Contains(user):
                break;
            case VoiceOpcode.DaveTransitionReady:
                if (_transition is { } transition && TransitionId(payload) == transition.Id)
                {
                    transition.Awaiting.Remove(user);
                    MaybeExecute(transition);
                }

                break;
            case VoiceOpcode.DaveMlsInvalidCommitWelcome:
                OnInvalidCommitWelcome(user);
                break;
        }
    }

    private void OnKeyPackage(ulong user, byte[] keyPackage)
    {
        var parsed = Tls.Decode(keyPackage, KeyPackage.Read);
        if (parsed.LeafNode.Credential.UserId != user)
        {
            return;
        }

        RevokeAddsFor(user);
        var add = ExternalProposals.Add(_signer, GroupId, Epoch, keyPackage);
        if (_roster is null)
        {
            // No group yet: every pending member gets every other pending member's Add, including ones sent before it arrived.
            var others = _inFlight.Where(p => p.AddedUser is { } u && u != user && p.DeliveredTo.Add(user)).ToList();
            Propose(add, user, null, PendingUsers().Where(u => u != user).ToList());
            if (others.Count > 0)
            {
                ToClient(user, VoiceOpcode.DaveMlsProposals, AppendBody(others.Select(p => p.Message)));
            }
        }
        else
        {
            Propose(add, user, null, Members().Where(u => !_resetting.Contains(u)).ToList());
        }
    }

    private void OnCommitWelcome(ulong committer, byte[] payload)
    {
        byte[] commit;
        byte[] welcome;
        CommitSummary summary;
        try
        {
            (commit, welcome) = SplitCommitWelcome(payload);
            summary = CommitSummary.Parse(commit);
        }
        catch (MlsException)
        {
            CommitsDropped++;
            return;
        }

        var expected = _roster is null
            ? _inFlight.Where(p => p.AddedUser != committer).ToList()
            : _inFlight;
        var committerValid = _roster is null
            ? summary.Epoch == 0 && summary.CommitterLeaf == 0 && _clients.ContainsKey(committer)
            : summary.Epoch == _roster.Epoch && _roster.LeafOf(committer) == summary.CommitterLeaf && !_resetting.Contains(committer);
        var references = expected.Select(p => p.Reference).ToList();
        if (!committerValid || !summary.GroupId.AsSpan().SequenceEqual(GroupId) || !summary.ReferencesExactly(references))
        {
            CommitsDropped++;
            return;
        }

        var previousMembers = _roster is null ? [committer] : Members();
        _roster ??= DeliveryServiceRoster.Founded(committer);
        var byReference = expected.ToDictionary(p => Convert.ToHexString(p.Reference));
        var ordered = summary.ProposalRefs.Select(r => byReference[Convert.ToHexString(r)]).ToList();
        var removedLeaves = ordered.Where(p => p.RemovedLeaf.HasValue).Select(p => p.RemovedLeaf!.Value).ToList();
        var removedUsers = removedLeaves.Select(l => _roster.Leaves[(int)l]!.Value).ToHashSet();
        var addedUsers = ordered.Where(p => p.AddedUser.HasValue).Select(p => p.AddedUser!.Value).ToList();
        _roster.ApplyCommit(removedLeaves, addedUsers);
        _inFlight.Clear();
        _resetting.ExceptWith(removedUsers);
        CommitsAccepted++;

        var transition = new Transition(NextTransitionId(), [.. Members()], _time.GetUtcNow());
        _transition = transition;
        foreach (var member in previousMembers.Where(u => !removedUsers.Contains(u) && !addedUsers.Contains(u)))
        {
            var copy = Prefixed(transition.Id, commit);
            if (_corruptNextCommitFor.Remove(member))
            {
                copy[^1] ^= 0x55;
            }

            ToClient(member, VoiceOpcode.DaveMlsAnnounceCommitTransition, copy);
        }

        foreach (var added in addedUsers)
        {
            ToClient(added, VoiceOpcode.DaveMlsWelcome, Prefixed(transition.Id, welcome));
        }

        // Commits that lost the scripted race arrive now, after the winner: stale for the new epoch.
        var deferred = _deferredCommits.ToList();
        _deferredCommits.Clear();
        foreach (var (user, late) in deferred.Where(d => _clients.ContainsKey(d.User)))
        {
            OnCommitWelcome(user, late);
        }
    }

    private void OnInvalidCommitWelcome(ulong user)
    {
        if (_transition is { } transition)
        {
            transition.Awaiting.Remove(user);
            MaybeExecute(transition);
        }

        // The member reset itself: propose its removal now; its new key package (op 26, next) brings the Add.
        if (_roster?.LeafOf(user) is { } leaf && _resetting.Add(user))
        {
            Propose(ExternalProposals.Remove(_signer, GroupId, Epoch, leaf), null, leaf, Members().Where(u => !_resetting.Contains(u)).ToList());
        }
    }

    private void MaybeExecute(Transition transition)
    {
        transition.Awaiting.IntersectWith(_clients.Keys);
        if (transition.Awaiting.Count == 0 && AutoExecuteTransitions)
        {
            SendExecute(transition);
        }
    }

    private void SendExecute(Transition transition)
    {
        if (!ReferenceEquals(_transition, transition))
        {
            return;
        }

        _transition = null;
        TransitionsExecuted++;
        foreach (var member in Members())
        {
            ToClientJson(member, VoiceOpcode.DaveExecuteTransition, string.Create(CultureInfo.InvariantCulture, $"{{\"transition_id\":{transition.Id}}}"));
        }
    }

    /// <summary>False for a commit that already lost (another was accepted for its epoch) or does not parse.</summary>
    private bool IsForCurrentEpoch(byte[] payload)
    {
        try
        {
            return CommitSummary.Parse(SplitCommitWelcome(payload).Commit).Epoch == Epoch;
        }
        catch (MlsException)
        {
            return false;
        }
    }

    /// <summary>Splits an op 28 body into the commit MLSMessage and the (possibly empty) Welcome behind it.</summary>
    public static (byte[] Commit, byte[] Welcome) SplitCommitWelcome(byte[] payload)
    {
        var reader = new TlsReader(payload);
        MlsMessage.Read(ref reader);
        return (payload[..reader.Position], reader.Rest.ToArray());
    }

    // ------------------------------------------------------------------ helpers

    private void Propose((byte[] Message, byte[] Reference) proposal, ulong? addedUser, uint? removedLeaf, IReadOnlyList<ulong> recipients)
    {
        _inFlight.Add(new InFlight(proposal.Message, proposal.Reference, addedUser, removedLeaf, [.. recipients]));
        foreach (var recipient in recipients)
        {
            ToClient(recipient, VoiceOpcode.DaveMlsProposals, AppendBody([proposal.Message]));
        }
    }

    private void RevokeAddsFor(ulong user)
    {
        var stale = _inFlight.Where(p => p.AddedUser == user).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        _inFlight.RemoveAll(stale.Contains);
        var recipients = _roster is null ? PendingUsers() : Members();
        var writer = new TlsWriter();
        foreach (var proposal in stale)
        {
            writer.WriteOpaque(proposal.Reference);
        }

        var refs = writer.ToArray();
        var body = new TlsWriter();
        body.WriteU8(1);
        body.WriteOpaque(refs);
        var revoke = body.ToArray();
        foreach (var recipient in recipients.Where(u => u != user))
        {
            ToClient(recipient, VoiceOpcode.DaveMlsProposals, revoke);
        }
    }

    /// <summary>Op 27 append body: operation 0 ‖ MLSMessage proposal_messages&lt;V&gt;.</summary>
    public static byte[] AppendBody(IEnumerable<byte[]> messages)
    {
        var concatenated = messages.SelectMany(m => m).ToArray();
        var writer = new TlsWriter();
        writer.WriteU8(0);
        writer.WriteOpaque(concatenated);
        return writer.ToArray();
    }

    private List<ulong> Members() => _roster is null ? [] : [.. _roster.Leaves.Where(u => u.HasValue).Select(u => u!.Value).Where(_clients.ContainsKey)];

    private List<ulong> PendingUsers() => [.. _clients.Keys.Where(u => _roster?.LeafOf(u) is null)];

    private ushort NextTransitionId()
    {
        var id = _nextTransitionId++;
        if (_nextTransitionId == 0)
        {
            _nextTransitionId = 1;
        }

        return id;
    }

    private static byte[] Prefixed(ushort transitionId, byte[] body)
    {
        var message = new byte[2 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(message, transitionId);
        body.CopyTo(message, 2);
        return message;
    }

    private static int TransitionId(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("transition_id").GetInt32();
    }

    private void ToClient(ulong user, int opcode, byte[] payload) => _queue.Enqueue(new Message(user, false, opcode, payload, false));

    private void ToClientJson(ulong user, int opcode, string json) => _queue.Enqueue(new Message(user, false, opcode, Encoding.UTF8.GetBytes(json), true));

    private sealed record Message(ulong User, bool ToDeliveryService, int Opcode, byte[] Payload, bool IsJson);

    private sealed record InFlight(byte[] Message, byte[] Reference, ulong? AddedUser, uint? RemovedLeaf, HashSet<ulong> DeliveredTo);

    private sealed record Transition(ushort Id, HashSet<ulong> Awaiting, DateTimeOffset AnnouncedAt);

    private sealed record Client(ulong UserId, IDaveOpcodeHandler? Handler, Link? Link, Action<int, byte[], bool>? Deliver);

    /// <summary>One client's half of the socket: what its DAVE handler sends lands in the deliveryService's queue.</summary>
    private sealed class Link(EmulatedDaveDeliveryService deliveryService, ulong userId) : IVoiceGatewaySender
    {
        public ValueTask SendBinaryAsync(byte opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
        {
            deliveryService._queue.Enqueue(new Message(userId, true, opcode, payload.ToArray(), false));
            return ValueTask.CompletedTask;
        }

        public ValueTask SendJsonAsync(int opcode, ReadOnlyMemory<byte> utf8JsonData, CancellationToken cancellationToken = default)
        {
            deliveryService._queue.Enqueue(new Message(userId, true, opcode, utf8JsonData.ToArray(), true));
            return ValueTask.CompletedTask;
        }
    }
}
