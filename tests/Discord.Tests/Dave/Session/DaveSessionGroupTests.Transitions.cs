using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;
using Microsoft.Extensions.Logging;

namespace Chorus.Discord.Tests.Dave.Session;

public sealed partial class DaveSessionGroupTests
{
    private static readonly TimeSpan FrameWaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public void AnExecutedTransitionRetiresTheEarlierOneItSuperseded()
    {
        var alice = Join(Alice);
        Join(Bob);
        _deliveryService.Pump();
        _deliveryService.AutoExecuteTransitions = false;
        Join(Carol);
        _deliveryService.Pump();
        // A second join before the first transition executed: the gateway moves on to the later epoch and never
        // executes the earlier transition, as in a large call where members come and go every second.
        const ulong dave = 1004;
        Join(dave);
        _deliveryService.Pump();
        Assert.Equal(3UL, alice.GroupEpoch);
        Assert.Equal(1UL, alice.Epoch);

        _deliveryService.ExecuteTransition();
        _deliveryService.Pump();
        Assert.Equal(3UL, alice.Epoch);
        AssertHears(alice, _sessions[dave]);
        byte[] garbage = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xFA, 0xFA];
        Assert.False(alice.TryDecrypt(Bob, garbage, new byte[64], out _));
        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        Assert.Equal(0, _meters.Of(alice).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending));
    }

    [Fact]
    public void FramesBeforeOurWelcomeAreExpectedFailures()
    {
        Join(Alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        // Carol has joined the call and sent her key package; her Welcome has not come yet, but Bob's audio has.
        var carol = Join(Carol);
        byte[] opus = [0x78, 1, 2, 3, 4, 5, 6, 7];
        var frame = new byte[bob.GetMaxEncryptedLength(opus.Length)];
        Assert.True(bob.TryEncrypt(opus, frame, out var length));
        Assert.Null(carol.GroupEpoch);

        Assert.False(carol.TryDecrypt(Bob, frame.AsSpan(0, length), new byte[64], out _));
        Assert.Equal(1, _meters.Of(carol).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending));
        Assert.Equal(0, _meters.Of(carol).Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));

        _deliveryService.Pump();
        AssertHears(carol, bob);
    }

    [Fact]
    public void FramesAreEncryptedAndDecryptedWhileAnOpcodeIsBeingHandled()
    {
        var logger = new InsideOpcodeLogger();
        var alice = _meters.Create(Alice, Channel, logger, _time);
        _sessions[Alice] = alice;
        _deliveryService.Connect(Alice, alice);
        var bob = Join(Bob);
        _deliveryService.Pump();
        byte[] opus = [0x78, 1, 2, 3, 4, 5, 6, 7];
        var fromBob = new byte[bob.GetMaxEncryptedLength(opus.Length)];
        Assert.True(bob.TryEncrypt(opus, fromBob, out var fromBobLength));
        var sealedFrame = new byte[alice.GetMaxEncryptedLength(opus.Length)];
        var plain = new byte[fromBobLength];
        // Runs on another thread while Alice is inside her handling of the op 27 below (it logs the rejection there),
        // as the UDP receive loop and the pacing thread do while a commit is being processed.
        logger.WhileLogging = () =>
        {
            var frames = Task.Run(() => alice.TryEncrypt(opus, sealedFrame, out _) && alice.TryDecrypt(Bob, fromBob.AsSpan(0, fromBobLength), plain, out _));
            return frames.Wait(FrameWaitLimit) && frames.Result;
        };

        _deliveryService.SendToClient(Alice, VoiceOpcode.DaveMlsProposals, [0, 9, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 5]);
        _deliveryService.Pump();

        Assert.Equal(1, _meters.Of(alice).Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsProposals)));
        Assert.Equal([true], logger.FramesWhileLogging);
        Assert.Equal(opus, plain[..opus.Length]);
    }

    /// <summary>Runs <see cref="WhileLogging"/> inside the first log call, i.e. inside the session's opcode handling.</summary>
    private sealed class InsideOpcodeLogger : ILogger<DaveSession>
    {
        public Func<bool>? WhileLogging { get; set; }

        public List<bool> FramesWhileLogging { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (WhileLogging is { } probe)
            {
                WhileLogging = null;
                FramesWhileLogging.Add(probe());
            }
        }
    }
}
