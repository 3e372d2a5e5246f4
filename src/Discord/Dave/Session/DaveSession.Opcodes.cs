using System.Buffers.Binary;
using System.Text.Json;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;
using Chorus.Mls.Group;
using Chorus.Mls.Messages;

namespace Chorus.Discord.Dave.Session;

public sealed partial class DaveSession
{
    /// <summary>Handles the DAVE protocol version from op 4 (Session Description): 0 disables end-to-end encryption, 1 starts the MLS handshake; replies go out through <paramref name="sender"/>.</summary>
    public void OnSessionDescription(int daveProtocolVersion, IVoiceGatewaySender sender)
    {
        var replies = new List<Outgoing>();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _described = true;
            lock (_media)
            {
                _pendingTransitions.Clear();
            }

            if (daveProtocolVersion <= 0)
            {
                EnterPassthrough(replies);
            }
            else
            {
                // A session description starts a new voice session (resumes do not send one): keys of the old one are void.
                _protocolVersion = daveProtocolVersion;
                _privacyCode = null;
                lock (_media)
                {
                    _sendPassthrough = false;
                    _passthroughUntil = DateTimeOffset.MinValue;
                    _executedEpoch = null;
                    _mediaKeys.Reset();
                }

                ResetGroup(replies);
                SetReady(false, replies);
            }
        }

        Deliver(replies, sender);
    }

    /// <summary>Handles a JSON DAVE opcode (21 prepare transition, 22 execute transition, 24 prepare epoch); other opcodes are ignored. Replies go out through <paramref name="sender"/>.</summary>
    public void OnJsonOpcode(int opcode, JsonElement data, IVoiceGatewaySender sender)
    {
        var replies = new List<Outgoing>();
        lock (_gate)
        {
            if (_disposed)
            {
                Ignore();
                return;
            }

            try
            {
                switch (opcode)
                {
                    case VoiceOpcode.DavePrepareTransition:
                        PrepareTransition(ReadTransitionId(data), ReadInt(data, "protocol_version"), replies);
                        break;
                    case VoiceOpcode.DaveExecuteTransition:
                        ExecuteTransition(ReadTransitionId(data), replies);
                        break;
                    case VoiceOpcode.DavePrepareEpoch:
                        PrepareEpoch(ReadULong(data, "epoch"), ReadInt(data, "protocol_version"), replies);
                        break;
                    default:
                        Reject(opcode, "not a DAVE JSON opcode");
                        break;
                }
            }
            catch (Exception error) when (IsInputError(error))
            {
                Reject(opcode, error.Message);
            }
        }

        Deliver(replies, sender);
    }

    /// <summary>Handles a binary DAVE opcode (25 external sender, 27 proposals, 29 announce commit, 30 welcome); malformed payloads are counted and answered as DAVE requires, never thrown. Replies go out through <paramref name="sender"/>.</summary>
    public void OnBinaryOpcode(byte opcode, ReadOnlySpan<byte> payload, IVoiceGatewaySender sender)
    {
        var replies = new List<Outgoing>();
        lock (_gate)
        {
            if (_disposed || !_described || _protocolVersion == 0 && opcode != VoiceOpcode.DaveMlsExternalSender)
            {
                Ignore();
            }
            else
            {
                try
                {
                    DispatchBinary(opcode, payload, replies);
                }
                catch (Exception error) when (IsInputError(error))
                {
                    // Each handler rejects what it recognises as bad input; this is the net for anything they missed.
                    Reject(opcode, error.Message);
                }
            }
        }

        Deliver(replies, sender);
    }

    private void DispatchBinary(byte opcode, ReadOnlySpan<byte> payload, List<Outgoing> replies)
    {
        switch (opcode)
        {
            case VoiceOpcode.DaveMlsExternalSender:
                OnExternalSender(payload);
                break;
            case VoiceOpcode.DaveMlsProposals:
                OnProposals(payload, replies);
                break;
            case VoiceOpcode.DaveMlsAnnounceCommitTransition:
                OnAnnounceCommit(payload, replies);
                break;
            case VoiceOpcode.DaveMlsWelcome:
                OnWelcome(payload, replies);
                break;
            default:
                Reject(opcode, "not a DAVE binary opcode for clients");
                break;
        }
    }

    // ------------------------------------------------------------------ JSON ops

    private void PrepareTransition(ushort transitionId, int version, List<Outgoing> replies)
    {
        if (version < 0)
        {
            Reject(VoiceOpcode.DavePrepareTransition, "negative protocol version");
            return;
        }

        lock (_media)
        {
            RegisterTransition(transitionId, version);
            if (version == 0)
            {
                // Downgrade: others may stop encrypting before op 22 arrives, so accept their plain frames from now on.
                SetPassthrough(DateTimeOffset.MaxValue);
            }
        }

        if (transitionId == 0)
        {
            ExecuteTransition(0, replies);
        }
        else
        {
            replies.Add(Outgoing.TransitionJson(VoiceOpcode.DaveTransitionReady, transitionId));
        }
    }

    private void ExecuteTransition(ushort transitionId, List<Outgoing> replies)
    {
        lock (_media)
        {
            if (!_pendingTransitions.Remove(transitionId, out var executed))
            {
                Ignore();
                return;
            }

            // A transition announced before this one and still pending was superseded (the gateway moved on to a later
            // epoch without executing it); left registered it would never execute, and every decrypt failure from then
            // on would pass for an expected one.
            foreach (var superseded in _pendingTransitions.Where(p => p.Value.Order < executed.Order).Select(p => p.Key).ToList())
            {
                _pendingTransitions.Remove(superseded);
            }

            if (executed.Version == 0)
            {
                EnterPassthrough(replies);
            }
            else
            {
                _protocolVersion = executed.Version;
                _sendPassthrough = false;
                _mediaKeys.ExecuteTransition();
                if (_group is not null)
                {
                    _executedEpoch = _group.Epoch;
                    _privacyCode = DavePrivacyCode.ForEpochAuthenticator(_group.EpochAuthenticator);
                    var members = _group.Members.Select(m => m.UserId).ToHashSet();
                    foreach (var stale in _mediaKeys.KnownSenders.Where(u => !members.Contains(u)).ToList())
                    {
                        _mediaKeys.RemoveSender(stale);
                    }
                }

                if (_passthroughUntil == DateTimeOffset.MaxValue)
                {
                    SetPassthrough(_time.GetUtcNow() + PassthroughExpiry);
                }

                SetReady(_mediaKeys.CanEncrypt, replies);
            }
        }

        _metrics.DaveTransitions.Add(1);
        LogTransitionExecuted(_logger, transitionId, _protocolVersion, _executedEpoch);
    }

    /// <summary>Remembers a transition to execute on op 22, in the order the gateway announced it. Under <c>_media</c>.</summary>
    private void RegisterTransition(ushort transitionId, int version) =>
        _pendingTransitions[transitionId] = (version, ++_transitionsRegistered);

    private void PrepareEpoch(ulong epoch, int version, List<Outgoing> replies)
    {
        if (version < 0)
        {
            Reject(VoiceOpcode.DavePrepareEpoch, "negative protocol version");
            return;
        }

        if (epoch != 1)
        {
            // A version change on the existing group: it takes effect with the transition that follows (op 21).
            Ignore();
            return;
        }

        // Epoch 1 means a new group (first member, sole member left, or upgrade): start over with a fresh key package.
        if (version == 0)
        {
            return;
        }

        _protocolVersion = version;
        ResetGroup(replies);
    }

    // ------------------------------------------------------------------ binary ops

    private void OnExternalSender(ReadOnlySpan<byte> payload)
    {
        ExternalSender sender;
        try
        {
            sender = ExternalSender.Decode(payload);
        }
        catch (Exception error) when (IsInputError(error))
        {
            Reject(VoiceOpcode.DaveMlsExternalSender, error.Message);
            return;
        }

        if (sender.Credential.Type != Credential.Basic || sender.SignatureKey.Length == 0)
        {
            Reject(VoiceOpcode.DaveMlsExternalSender, "external sender credential not basic");
            return;
        }

        if (_group is not null)
        {
            // Like libdave: the external sender of an established group never changes.
            if (!payload.SequenceEqual(Mls.Codec.Tls.Encode(_externalSender!)))
            {
                Reject(VoiceOpcode.DaveMlsExternalSender, "external sender changed after joining");
            }

            return;
        }

        _externalSender = sender;
        if (_protocolVersion > 0 && _keyPackage is not null)
        {
            _pendingGroup = MlsGroup.Create((byte[])_groupId.Clone(), _keyPackage, [sender.ToExtension()]);
        }
    }

    private void OnProposals(ReadOnlySpan<byte> payload, List<Outgoing> replies)
    {
        var group = _group ?? _pendingGroup;
        if (payload.Length < 2 || payload[0] > 1)
        {
            Reject(VoiceOpcode.DaveMlsProposals, "truncated or unknown operation");
            return;
        }

        if (group is null)
        {
            Ignore();
            return;
        }

        try
        {
            if (payload[0] == 0)
            {
                group.ProcessProposals(payload[1..], _recognizedUsers.Contains);
            }
            else
            {
                group.RevokeProposals(payload[1..]);
            }
        }
        catch (Exception error) when (IsInputError(error))
        {
            Reject(VoiceOpcode.DaveMlsProposals, error.Message);
            return;
        }

        if (group.PendingProposals.Count == 0)
        {
            return;
        }

        try
        {
            var commit = group.CreateCommit();
            var message = new byte[commit.Commit.Length + (commit.Welcome?.Length ?? 0)];
            commit.Commit.CopyTo(message, 0);
            commit.Welcome?.CopyTo(message, commit.Commit.Length);
            replies.Add(Outgoing.Binary(VoiceOpcode.DaveMlsCommitWelcome, message));
            _metrics.DaveMessagesSent.Add(1, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome));
        }
        catch (Exception error) when (IsInputError(error))
        {
            // Queued proposals the group cannot apply (e.g. removing ourselves): drop them; the gateway will re-propose.
            group.ClearPendingProposals();
            Reject(VoiceOpcode.DaveMlsProposals, error.Message);
        }
    }

    private void OnAnnounceCommit(ReadOnlySpan<byte> payload, List<Outgoing> replies)
    {
        if (payload.Length < 2)
        {
            Reject(VoiceOpcode.DaveMlsAnnounceCommitTransition, "truncated transition id");
            return;
        }

        var transitionId = BinaryPrimitives.ReadUInt16BigEndian(payload);
        var group = _group ?? _pendingGroup;
        if (group is null)
        {
            Ignore();
            return;
        }

        var commit = payload[2..];
        CommitSummary summary;
        try
        {
            summary = CommitSummary.Parse(commit);
        }
        catch (Exception error) when (IsInputError(error))
        {
            InvalidCommitWelcome(VoiceOpcode.DaveMlsAnnounceCommitTransition, transitionId, error.Message, replies);
            return;
        }

        if (!summary.GroupId.AsSpan().SequenceEqual(_groupId))
        {
            Reject(VoiceOpcode.DaveMlsAnnounceCommitTransition, "commit for another group");
            return;
        }

        MlsGroup next;
        try
        {
            next = group.ProcessCommit(commit);
        }
        catch (Exception error) when (IsInputError(error))
        {
            InvalidCommitWelcome(VoiceOpcode.DaveMlsAnnounceCommitTransition, transitionId, error.Message, replies);
            return;
        }

        EnterEpoch(VoiceOpcode.DaveMlsAnnounceCommitTransition, transitionId, next, replies);
    }

    private void OnWelcome(ReadOnlySpan<byte> payload, List<Outgoing> replies)
    {
        if (payload.Length < 2)
        {
            Reject(VoiceOpcode.DaveMlsWelcome, "truncated transition id");
            return;
        }

        var transitionId = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (_group is not null || _keyPackage is null || _externalSender is null)
        {
            Ignore();
            return;
        }

        MlsGroup joined;
        try
        {
            joined = MlsGroup.Join(payload[2..], _keyPackage, expectedExternalSender: _externalSender);
        }
        catch (Exception error) when (IsInputError(error))
        {
            InvalidCommitWelcome(VoiceOpcode.DaveMlsWelcome, transitionId, error.Message, replies);
            return;
        }

        if (!joined.GroupId.AsSpan().SequenceEqual(_groupId))
        {
            InvalidCommitWelcome(VoiceOpcode.DaveMlsWelcome, transitionId, "welcome for another group", replies);
            return;
        }

        EnterEpoch(VoiceOpcode.DaveMlsWelcome, transitionId, joined, replies);
    }

    private void EnterEpoch(int opcode, ushort transitionId, MlsGroup next, List<Outgoing> replies)
    {
        var userIds = next.Members.Select(m => m.UserId).ToList();
        if (userIds.Any(u => u is null) || userIds.Distinct().Count() != userIds.Count || !userIds.Contains(SelfUserId))
        {
            InvalidCommitWelcome(opcode, transitionId, "roster has unknown or duplicate users", replies);
            return;
        }

        // One MLS export per member: done before taking the media lock, which then only swaps the ratchets in.
        var ratchets = DaveMediaKeys.DeriveRatchets(next);
        _group = next;
        _pendingGroup = null;
        lock (_media)
        {
            _groupEpoch = next.Epoch;
            _mediaKeys.InstallEpoch(ratchets);
            ApplyPassthroughToDecryptors();
            RegisterTransition(transitionId, _protocolVersion > 0 ? _protocolVersion : 1);
        }

        if (transitionId == 0)
        {
            ExecuteTransition(0, replies);
        }
        else
        {
            replies.Add(Outgoing.TransitionJson(VoiceOpcode.DaveTransitionReady, transitionId));
        }
    }

    private void InvalidCommitWelcome(int opcode, ushort transitionId, string reason, List<Outgoing> replies)
    {
        Reject(opcode, reason);
        _metrics.DaveMessagesSent.Add(1, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome));
        LogInvalidCommitWelcome(_logger, transitionId, reason);
        replies.Add(Outgoing.TransitionJson(VoiceOpcode.DaveMlsInvalidCommitWelcome, transitionId));
        ResetGroup(replies);
    }

    // ------------------------------------------------------------------ state

    /// <summary>Forgets the MLS group and announces a fresh key package (op 26); media keys stay until the next epoch replaces them.</summary>
    private void ResetGroup(List<Outgoing> replies)
    {
        _group = null;
        lock (_media)
        {
            _groupEpoch = null;
        }

        _keyPackage = KeyPackageBundle.Create(_identity);
        _pendingGroup = _externalSender is null
            ? null
            : MlsGroup.Create((byte[])_groupId.Clone(), _keyPackage, [_externalSender.ToExtension()]);
        replies.Add(Outgoing.Binary(VoiceOpcode.DaveMlsKeyPackage, _keyPackage.Encoded));
        _metrics.DaveMessagesSent.Add(1, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage));
    }

    private void EnterPassthrough(List<Outgoing> replies)
    {
        _protocolVersion = 0;
        _group = null;
        _pendingGroup = null;
        _keyPackage = null;
        _privacyCode = null;
        lock (_media)
        {
            _sendPassthrough = true;
            _groupEpoch = null;
            _executedEpoch = null;
            _mediaKeys.Reset();
            SetPassthrough(DateTimeOffset.MaxValue);
        }

        SetReady(true, replies);
    }

    /// <summary>Under <c>_media</c>, like <see cref="ApplyPassthroughToDecryptors"/>.</summary>
    private void SetPassthrough(DateTimeOffset until)
    {
        _passthroughUntil = until;
        ApplyPassthroughToDecryptors();
    }

    private void ApplyPassthroughToDecryptors()
    {
        var now = _time.GetUtcNow();
        foreach (var userId in _mediaKeys.KnownSenders)
        {
            var decryptor = _mediaKeys.DecryptorFor(userId)!;
            if (_passthroughUntil == DateTimeOffset.MaxValue)
            {
                decryptor.SetPassthroughMode(true, TimeSpan.Zero);
            }
            else
            {
                decryptor.SetPassthroughMode(false, _passthroughUntil > now ? _passthroughUntil - now : TimeSpan.Zero);
            }
        }
    }

    private void Reject(int opcode, string reason)
    {
        if (MetricTag.IsDaveOpcode(opcode))
        {
            _metrics.DaveMessagesRejected.Add(1, MetricTag.DaveOpcode(opcode));
        }
        else
        {
            _metrics.DaveMessagesRejected.Add(1);
        }

        var count = Interlocked.Increment(ref _rejectedSeen);
        if (count <= 5 || (count & (count - 1)) == 0)
        {
            LogRejected(_logger, opcode, reason, count);
        }
    }

    // MLS bytes are hostile: decoding, validation and crypto failures all mean "reject this message", never a crash.
    private static bool IsInputError(Exception error) =>
        error is Mls.MlsException or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException
            or FormatException or IndexOutOfRangeException or OverflowException or KeyNotFoundException;

    private void Ignore() => _metrics.DaveMessagesIgnored.Add(1);

    private static ushort ReadTransitionId(JsonElement data)
    {
        var value = ReadInt(data, "transition_id");
        return value is >= 0 and <= ushort.MaxValue ? (ushort)value : throw new FormatException("transition_id out of range");
    }

    private static int ReadInt(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result)
            ? result
            : throw new FormatException($"{name} missing or not an integer");

    private static ulong ReadULong(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var result)
            ? result
            : throw new FormatException($"{name} missing or not an integer");
}
