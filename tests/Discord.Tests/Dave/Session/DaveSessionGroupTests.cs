using Chorus.Discord.Dave;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;
using Chorus.Emulators.Voice.Dave;
using Microsoft.Extensions.Time.Testing;

namespace Chorus.Discord.Tests.Dave.Session;

public sealed partial class DaveSessionGroupTests : IDisposable
{
    private const ulong Channel = 0x0123_4567_89AB_CDEF;
    private const ulong Alice = 1001;
    private const ulong Bob = 1002;
    private const ulong Carol = 1003;

    private readonly FakeTimeProvider _time = new();
    private readonly EmulatedDaveDeliveryService _deliveryService = new(Channel);
    private readonly Dictionary<ulong, DaveSession> _sessions = [];
    private readonly Dictionary<ulong, CapturingLogger<DaveSession>> _logs = [];
    private readonly MeteredSessions _meters = new();

    [Fact]
    public void GroupFormsGrowsAndShrinksWithMatchingEpochsCodesAndKeys()
    {
        var alice = Join(Alice);
        Assert.False(alice.IsReadyToSend);
        Assert.False(alice.TryEncrypt([1, 2, 3], new byte[64], out _));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveFramesNotReadyName));

        var bob = Join(Bob);
        _deliveryService.Pump();
        AssertAgreed([Alice, Bob], epoch: 1);
        Assert.Equal(1, _deliveryService.TransitionsExecuted);
        AssertHears(alice, bob);
        AssertHears(bob, alice);

        var carol = Join(Carol);
        _deliveryService.Pump();
        AssertAgreed([Alice, Bob, Carol], epoch: 2);
        AssertHears(carol, alice);
        AssertHears(alice, carol);
        AssertHears(bob, carol);

        _deliveryService.Disconnect(Bob);
        _sessions.Remove(Bob);
        bob.Dispose();
        _deliveryService.Pump();
        AssertAgreed([Alice, Carol], epoch: 3);
        AssertHears(alice, carol);
        AssertHears(carol, alice);
        Assert.Equal(0, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName) + _meters.Of(bob).Total(DiscordMetrics.DaveMessagesRejectedName) + _meters.Of(carol).Total(DiscordMetrics.DaveMessagesRejectedName));
        Assert.DoesNotContain(_logs.Values.SelectMany(l => l.Lines), l => l.Contains("rejected", StringComparison.Ordinal));
        Assert.Equal(0, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending) + _meters.Of(carol).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
    }

    [Fact]
    public void RevokedProposalsLeaveTheQueueAndTheNextJoinerStillGetsIn()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        Join(Carol);
        // Let Carol's Add reach both members and both commit; then Carol leaves before the delivery service sees those commits.
        var bounded = 0;
        while (_meters.Of(bob).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)) + _meters.Of(alice).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)) < 4 && bounded++ < 100)
        {
            Assert.True(_deliveryService.DeliverNext());
        }

        _deliveryService.Disconnect(Carol);
        _sessions.Remove(Carol, out var carol);
        carol!.Dispose();
        _deliveryService.Pump();
        Assert.Equal(1UL, _deliveryService.Epoch);
        Assert.True(_deliveryService.CommitsDropped >= 1);
        Assert.Equal(0, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName) + _meters.Of(bob).Total(DiscordMetrics.DaveMessagesRejectedName));

        const ulong dave = 1004;
        Join(dave);
        _deliveryService.Pump();
        AssertAgreed([Alice, Bob, dave], epoch: 2);
        AssertHears(_sessions[dave], alice);
    }

    [Fact]
    public void ReadinessIsAnnouncedWhenTheFirstTransitionExecutes()
    {
        var alice = Join(Alice);
        var changes = new List<bool>();
        alice.ReadyToSendChanged += changes.Add;
        Join(Bob);
        _deliveryService.Pump();
        Assert.True(alice.IsReadyToSend);
        Assert.Equal([true], changes);
    }

    [Fact]
    public void InvalidCommitLeadsToOp31AndTheMemberIsWelcomedBack()
    {
        Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        _deliveryService.CorruptNextCommitFor(Bob);
        Join(Carol);
        _deliveryService.Pump();

        Assert.Equal(1, _meters.Of(bob).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome)));
        var report = Assert.Single(_deliveryService.FromClients, m => m.Opcode == VoiceOpcode.DaveMlsInvalidCommitWelcome);
        Assert.Equal(Bob, report.User);
        Assert.Equal(2, _meters.Of(bob).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)));
        // Epoch 2 added Carol (Bob failed it); epoch 3 removed and re-added Bob.
        AssertAgreed([Alice, Bob, Carol], epoch: 3);
        AssertHears(bob, _sessions[Alice]);
        AssertHears(_sessions[Carol], bob);
    }

    [Fact]
    public void SoleMemberResetsAndFormsAFreshGroupWithTheNextJoiner()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        _deliveryService.Disconnect(Bob);
        _sessions.Remove(Bob);
        bob.Dispose();
        _deliveryService.Pump();

        Assert.Null(alice.GroupEpoch);
        Assert.Equal(2, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)));

        var carol = Join(Carol);
        _deliveryService.Pump();
        AssertAgreed([Alice, Carol], epoch: 1);
        AssertHears(carol, alice);
        AssertHears(alice, carol);
    }

    [Fact]
    public void DecryptFailuresWhileATransitionIsPendingAreNotCountedAsFailures()
    {
        var alice = Join(Alice);
        Join(Bob);
        _deliveryService.Pump();
        _deliveryService.AutoExecuteTransitions = false;
        Join(Carol);
        _deliveryService.Pump();
        Assert.Equal(2UL, alice.GroupEpoch);
        Assert.Equal(1UL, alice.Epoch);

        byte[] garbage = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xFA, 0xFA];
        Assert.False(alice.TryDecrypt(Bob, garbage, new byte[64], out _));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending));
        Assert.Equal(0, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));

        _deliveryService.ExecuteTransition();
        _deliveryService.Pump();
        Assert.Equal(2UL, alice.Epoch);
        Assert.False(alice.TryDecrypt(Bob, garbage, new byte[64], out _));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
    }

    [Fact]
    public void DowngradeToVersionZeroPassesFramesAndUpgradeLimitsPlainFramesInTime()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        byte[] plain = [0x78, 9, 8, 7, 6, 5];
        var output = new byte[64];
        Assert.False(alice.TryDecrypt(Bob, plain, output, out _));

        _deliveryService.SendJsonToClient(Alice, VoiceOpcode.DavePrepareTransition, "{\"transition_id\":40,\"protocol_version\":0}");
        _deliveryService.SendJsonToClient(Bob, VoiceOpcode.DavePrepareTransition, "{\"transition_id\":40,\"protocol_version\":0}");
        _deliveryService.Pump();
        Assert.True(alice.TryDecrypt(Bob, plain, output, out var written));
        Assert.Equal(plain, output[..written]);
        Assert.Equal(1, alice.ProtocolVersion);

        _deliveryService.SendJsonToClient(Alice, VoiceOpcode.DaveExecuteTransition, "{\"transition_id\":40}");
        _deliveryService.SendJsonToClient(Bob, VoiceOpcode.DaveExecuteTransition, "{\"transition_id\":40}");
        _deliveryService.Pump();
        Assert.Equal(0, alice.ProtocolVersion);
        Assert.True(bob.TryEncrypt(plain, output, out written));
        Assert.Equal(plain, output[..written]);

        _deliveryService.RestartGroup();
        _deliveryService.Pump();
        AssertAgreed([Alice, Bob], epoch: 1);
        Assert.True(alice.TryDecrypt(Bob, plain, output, out _));
        _time.Advance(DaveSession.PassthroughExpiry + TimeSpan.FromSeconds(1));
        Assert.False(alice.TryDecrypt(Bob, plain, output, out _));
        AssertHears(alice, bob);
    }

    [Fact]
    public void VersionZeroCallPassesEverythingThrough()
    {
        using var session = _meters.Create(Alice, Channel, time: _time);
        var sender = new RecordingGatewaySender();
        session.OnSessionDescription(0, sender);
        byte[] frame = [0x78, 1, 2];
        var output = new byte[16];
        Assert.True(session.IsReadyToSend);
        Assert.True(session.TryEncrypt(frame, output, out var written));
        Assert.Equal(frame, output[..written]);
        Assert.True(session.TryDecrypt(Bob, frame, output, out written));
        Assert.Equal(frame, output[..written]);
        Assert.Empty(sender.Messages);
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _deliveryService.Dispose();
        _meters.Dispose();
    }

    private DaveSession Join(ulong userId)
    {
        var logger = new CapturingLogger<DaveSession>();
        _logs[userId] = logger;
        var session = _meters.Create(userId, Channel, logger, _time);
        _sessions[userId] = session;
        _deliveryService.Connect(userId, session);
        return session;
    }

    private void AssertAgreed(ulong[] members, ulong epoch)
    {
        Assert.Equal(epoch, _deliveryService.Epoch);
        var codes = new HashSet<string?>();
        foreach (var userId in members)
        {
            var session = _sessions[userId];
            Assert.Equal(members.Order(), session.GroupMembers);
            Assert.Equal(epoch, session.GroupEpoch);
            Assert.Equal(epoch, session.Epoch);
            Assert.True(session.IsReadyToSend);
            Assert.Matches("^[0-9]{30}$", session.PrivacyCode);
            codes.Add(session.PrivacyCode);
        }

        Assert.Single(codes);
    }

    private void AssertHears(DaveSession listener, DaveSession speaker)
    {
        byte[] opus = [0x78, (byte)speaker.SelfUserId, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A];
        var frame = new byte[speaker.GetMaxEncryptedLength(opus.Length)];
        Assert.True(speaker.TryEncrypt(opus, frame, out var length));
        Assert.NotEqual(opus, frame[..opus.Length]);
        Assert.Equal(DaveMedia.MarkerByte, frame[length - 1]);
        var plain = new byte[length];
        var before = _meters.Of(listener).Total(DiscordMetrics.DaveFramesDecryptedName);
        Assert.True(listener.TryDecrypt(speaker.SelfUserId, frame.AsSpan(0, length), plain, out var written));
        Assert.Equal(opus, plain[..written]);
        Assert.Equal(before + 1, _meters.Of(listener).Total(DiscordMetrics.DaveFramesDecryptedName));
    }
}
