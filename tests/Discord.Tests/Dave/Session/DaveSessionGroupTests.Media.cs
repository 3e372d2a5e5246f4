using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;

namespace Chorus.Discord.Tests.Dave.Session;

public sealed partial class DaveSessionGroupTests
{
    [Fact]
    public void SteadyStateFramesAllocateNothing()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        var opus = new byte[120];
        opus[0] = 0x78;
        var frame = new byte[alice.GetMaxEncryptedLength(opus.Length)];
        var plain = new byte[frame.Length];
        RoundTrip(alice, bob, opus, frame, plain, 50);

        var before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrip(alice, bob, opus, frame, plain, 500);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(550, _meters.Of(bob).Total(DiscordMetrics.DaveFramesDecryptedName));
    }

    [Fact]
    public void UsersWhoLeaveAreNoLongerRecognisedOrHeard()
    {
        var alice = Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        Assert.Equal([Alice, Bob], alice.RecognizedUsers.Order());

        alice.OnClientsChanged([]);
        Assert.Equal([Alice], alice.RecognizedUsers);
        var frame = new byte[64];
        Assert.True(bob.TryEncrypt([0x78, 1, 2, 3], frame, out var length));
        Assert.False(alice.TryDecrypt(Bob, frame.AsSpan(0, length), new byte[64], out _));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));

        alice.AddRecognizedUsers([Bob]);
        alice.RemoveRecognizedUser(Bob);
        alice.RemoveRecognizedUser(Alice);
        Assert.Equal([Alice], alice.RecognizedUsers);
    }

    [Fact]
    public void ANewSessionDescriptionDropsTheOldSessionsKeys()
    {
        var alice = Join(Alice);
        Join(Bob);
        _deliveryService.Pump();
        var changes = new List<bool>();
        alice.ReadyToSendChanged += changes.Add;
        var sender = new RecordingGatewaySender();

        alice.OnSessionDescription(1, sender);

        Assert.False(alice.IsReadyToSend);
        Assert.Equal([false], changes);
        Assert.Null(alice.Epoch);
        Assert.Null(alice.PrivacyCode);
        Assert.False(alice.TryEncrypt([0x78, 1, 2], new byte[64], out _));
        Assert.Equal(Chorus.Discord.Voice.Gateway.VoiceOpcode.DaveMlsKeyPackage, Assert.Single(sender.Messages).Opcode);
    }

    [Fact]
    public void ADisposedSessionRefusesFramesAndIgnoresOpcodes()
    {
        var alice = Join(Alice);
        Join(Bob);
        _deliveryService.Pump();
        alice.Dispose();
        var sender = new RecordingGatewaySender();

        alice.OnSessionDescription(1, sender);
        alice.OnBinaryOpcode(Chorus.Discord.Voice.Gateway.VoiceOpcode.DaveMlsWelcome, [0, 1, 2, 3], sender);
        using (var json = System.Text.Json.JsonDocument.Parse("{\"epoch\":1,\"protocol_version\":1}"))
        {
            alice.OnJsonOpcode(Chorus.Discord.Voice.Gateway.VoiceOpcode.DavePrepareEpoch, json.RootElement, sender);
        }

        Assert.Empty(sender.Messages);
        Assert.False(alice.TryEncrypt([0x78, 1], new byte[64], out _));
        Assert.False(alice.TryDecrypt(Bob, [0x78, 1], new byte[64], out _));
        Assert.Equal(2, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesIgnoredName));
    }

    private static void RoundTrip(DaveSession speaker, DaveSession listener, byte[] opus, byte[] frame, byte[] plain, int count)
    {
        for (var i = 0; i < count; i++)
        {
            opus[1] = (byte)i;
            if (!speaker.TryEncrypt(opus, frame, out var length) ||
                !listener.TryDecrypt(speaker.SelfUserId, frame.AsSpan(0, length), plain, out var written) ||
                written != opus.Length || plain[1] != (byte)i)
            {
                Assert.Fail($"Frame {i} did not round-trip.");
            }
        }
    }
}
