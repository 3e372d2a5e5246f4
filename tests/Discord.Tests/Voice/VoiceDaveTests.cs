using Chorus.Diagnostics;
using Chorus.Discord.Dave.Session;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Discord.Voice.Opus;
using Chorus.Discord.Voice.Receive;
using Chorus.Emulators.Voice;

namespace Chorus.Discord.Tests.Voice;

/// <summary>Two of our voice connections, each with a DAVE session wired as the runner wires it, in an emulated call with DAVE on.</summary>
[EndToEnd]
public sealed class VoiceDaveTests
{
    private const ulong Guild = 4343;
    private const ulong Alice = 2001;
    private const ulong Bob = 2002;

    // Notified by every peer's DAVE session, every frame a peer hears and every change the emulated server reports.
    private readonly ChangeSignal _changed = new();

    [Fact]
    public async Task Two_dave_clients_form_the_group_and_hear_each_other_end_to_end_encrypted()
    {
        await using var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await using var alice = await DavePeer.JoinAsync(server, Alice, _changed);
        await using var bob = await DavePeer.JoinAsync(server, Bob, _changed);

        await WaitUntilAsync(() => alice.Dave.IsReadyToSend && bob.Dave.IsReadyToSend
            && alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2 && alice.Dave.Epoch == bob.Dave.Epoch,
            "both sessions in one two-member group, executed, ready to send",
            () => Describe(server, alice, bob));
        var gateway = server.GetDaveDeliveryService(Guild)!;
        Assert.Equal(1, alice.Dave.ProtocolVersion);
        Assert.Equal(alice.Dave.GroupEpoch, bob.Dave.GroupEpoch);
        Assert.Equal(alice.Dave.PrivacyCode, bob.Dave.PrivacyCode);
        Assert.True(gateway.CommitsAccepted >= 1);
        Assert.True(gateway.TransitionsExecuted >= 1);
        Assert.Equal(0, gateway.MalformedDropped);
        Assert.Contains(gateway.FromClients, m => m.Opcode == 23 && m.Payload.AsSpan().IndexOf("\"transition_id\":0"u8) < 0);

        await AssertHearsAsync(alice, bob);
        await AssertHearsAsync(bob, alice);

        // 0.6 s of chirp = 30 frames each way, all end-to-end encrypted; only the Opus silence tail may travel in the clear.
        const int chirpFrames = 30;
        Assert.True(alice.Totals.Total(DiscordMetrics.DaveFramesEncryptedName) >= chirpFrames && bob.Totals.Total(DiscordMetrics.DaveFramesEncryptedName) >= chirpFrames);
        Assert.True(alice.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) >= chirpFrames && bob.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) >= chirpFrames);
        Assert.True(bob.Totals.Total(DiscordMetrics.DaveFramesPassedThroughName) <= alice.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence));
        Assert.True(alice.Totals.Total(DiscordMetrics.DaveFramesPassedThroughName) <= bob.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence));
        // The SFU only removed the transport layer: what it relayed still carried DAVE's frame trailer.
        Assert.True(server.Counters.DaveFramesRelayed >= alice.Totals.Total(DiscordMetrics.DaveFramesEncryptedName));
        Assert.Equal(0, alice.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.DecodeFailed) + bob.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.DecodeFailed));
    }

    /// <summary>
    /// Tests script the gateway through the server (under its DAVE lock): here, who wins the first-commit race, which
    /// otherwise goes either way. Both members commit; the deferred one's commit is judged after the other's.
    /// </summary>
    [Theory]
    [InlineData(Alice, Bob)]
    [InlineData(Bob, Alice)]
    public async Task A_scripted_gateway_hook_decides_which_member_founds_the_group(ulong deferred, ulong founder)
    {
        await using var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.ScriptDaveDeliveryServiceAsync(Guild, g => g.DeferNextCommitFrom(deferred)));

        await using var alice = await DavePeer.JoinAsync(server, Alice, _changed);
        // The server hands a client to the call's DAVE gateway after its op 4 has gone out, so this can trail the join.
        await WaitUntilAsync(() => server.GetDaveDeliveryService(Guild) is not null, "the call's DAVE gateway");
        await server.ScriptDaveDeliveryServiceAsync(Guild, g => g.DeferNextCommitFrom(deferred));
        await using var bob = await DavePeer.JoinAsync(server, Bob, _changed);
        await WaitUntilAsync(() => alice.Dave.IsReadyToSend && bob.Dave.IsReadyToSend
            && alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2 && alice.Dave.Epoch == bob.Dave.Epoch,
            "both sessions in one two-member group, executed", () => Describe(server, alice, bob));

        List<ulong> leaves = [];
        await server.ScriptDaveDeliveryServiceAsync(Guild, g => leaves = [.. g.Leaves.Select(l => l!.Value)]);
        Assert.Equal([founder, deferred], leaves);
        Assert.Equal(alice.Dave.PrivacyCode, bob.Dave.PrivacyCode);
    }

    [Fact]
    public async Task A_member_leaving_is_removed_and_the_last_one_is_reset_to_a_fresh_group()
    {
        await using var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await using var alice = await DavePeer.JoinAsync(server, Alice, _changed);
        var bob = await DavePeer.JoinAsync(server, Bob, _changed);
        await WaitUntilAsync(() => alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2, "two-member group");

        await bob.DisposeAsync();

        // Sole-member reset (brief §5.5): op 24 epoch 1 + op 21 transition 0, then Alice sends a fresh key package.
        await WaitUntilAsync(() => alice.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)) >= 2 && alice.Dave.GroupMembers.Count <= 1, "Alice reset after Bob left");
        Assert.Equal(0UL, server.GetDaveDeliveryService(Guild)!.Epoch);

        await using var carol = await DavePeer.JoinAsync(server, Bob + 1, _changed);
        await WaitUntilAsync(() => alice.Dave.IsReadyToSend && carol.Dave.IsReadyToSend
            && alice.Dave.GroupMembers.Count == 2 && carol.Dave.GroupMembers.Count == 2, "a fresh group with the newcomer");
        await AssertHearsAsync(carol, alice);
    }

    [Fact]
    public async Task A_third_member_joins_and_leaves_through_add_and_remove_commits()
    {
        await using var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await using var alice = await DavePeer.JoinAsync(server, Alice, _changed);
        await using var bob = await DavePeer.JoinAsync(server, Bob, _changed);
        await WaitUntilAsync(() => alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2, "two-member group", () => Describe(server, alice, bob));
        var carol = await DavePeer.JoinAsync(server, Bob + 1, _changed);
        await WaitUntilAsync(() => new[] { alice, bob, carol }.All(p => p.Dave.IsReadyToSend && p.Dave.GroupMembers.Count == 3),
            "three-member group", () => Describe(server, alice, bob, carol));
        var gateway = server.GetDaveDeliveryService(Guild)!;
        var epochWithCarol = gateway.Epoch;
        Assert.Equal(epochWithCarol, carol.Dave.GroupEpoch);
        await AssertHearsAsync(carol, alice);

        await carol.DisposeAsync();

        // Carol's leave (op 13) becomes a Remove proposal that one of the remaining members commits.
        await WaitUntilAsync(() => alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2 && gateway.Epoch == epochWithCarol + 1
            && alice.Dave.GroupEpoch == gateway.Epoch && bob.Dave.GroupEpoch == gateway.Epoch, "Carol removed", () => Describe(server, alice, bob));
        // The privacy code follows the executed epoch, which trails the held group until the transition executes.
        await WaitUntilAsync(() => alice.Dave.Epoch == gateway.Epoch && bob.Dave.Epoch == gateway.Epoch,
            "the removal executed by both", () => Describe(server, alice, bob));
        Assert.Equal(alice.Dave.PrivacyCode, bob.Dave.PrivacyCode);
        await AssertHearsAsync(bob, alice);
        Assert.Equal(0, gateway.MalformedDropped);
    }

    [Fact]
    public async Task After_a_4006_a_member_rejoins_with_fresh_credentials_reenters_the_group_and_is_heard_again()
    {
        await using var server = await EmulatedVoiceServer.StartAsync(new EmulatedVoiceServerOptions { DaveProtocolVersion = 1 });
        await using var alice = await DavePeer.JoinAsync(server, Alice, _changed);
        // As the gateway's refresher does: a new op 4 hands out a new voice session and token, and only those get in.
        await using var bob = await DavePeer.JoinAsync(server, Bob, _changed,
            o => o with { RefreshCredentials = _ => ValueTask.FromResult(VoiceTestHarness.ToClient(server.CreateCredentials(Guild, Bob))) });
        await WaitUntilAsync(() => alice.Dave.IsReadyToSend && bob.Dave.IsReadyToSend
            && alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2, "two-member group", () => Describe(server, alice, bob));
        var gateway = server.GetDaveDeliveryService(Guild)!;
        var codeBefore = bob.Dave.PrivacyCode;
        var keyPackagesBefore = bob.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage));

        await server.CloseClientAsync(Guild, Bob, 4006);

        // Bob's old leaf is gone with his session: Alice, alone, resets to a fresh group, and Bob's new key package
        // joins it through a commit and a welcome. Both reach the same epoch, with a privacy code of the new group.
        await WaitUntilAsync(() => bob.Connection.State == VoiceConnectionState.Ready && bob.Totals.Total(DiscordMetrics.VoiceReconnectsName, MetricTag.Rejoin) == 1
            && alice.Dave.IsReadyToSend && bob.Dave.IsReadyToSend && alice.Dave.GroupMembers.Count == 2 && bob.Dave.GroupMembers.Count == 2
            && alice.Dave.GroupEpoch == gateway.Epoch && bob.Dave.GroupEpoch == gateway.Epoch && bob.Dave.PrivacyCode != codeBefore
            && alice.Dave.PrivacyCode == bob.Dave.PrivacyCode,
            "Bob back in the group", () => Describe(server, alice, bob));
        Assert.Equal(1, bob.Totals.Total(DiscordMetrics.CredentialRefreshesName, MetricTag.Success));
        Assert.Equal(0, server.Counters.RejectedIdentifies);
        Assert.True(bob.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)) > keyPackagesBefore);
        Assert.True(gateway.TransitionsExecuted >= 2, $"{gateway.TransitionsExecuted} transitions");
        await AssertHearsAsync(bob, alice);
        await AssertHearsAsync(alice, bob);
        Assert.Equal(0, gateway.MalformedDropped);
    }

    private async Task AssertHearsAsync(DavePeer speaker, DavePeer listener)
    {
        var before = listener.Heard(speaker.UserId).Length;
        var chirp = AudioSignals.Chirp(OpusFormat.SendSampleRate, 0.6);
        Assert.Equal(chirp.Length, speaker.Connection.Sender.Push(chirp));
        var reference = AudioSignals.Chirp(OpusFormat.ReceiveSampleRate, 0.6);
        await WaitUntilAsync(() => listener.Heard(speaker.UserId).Length - before >= reference.Length + 1600, $"{listener.UserId} hearing {speaker.UserId}'s chirp");
        var (correlation, _) = AudioSignals.BestCorrelation(reference, listener.Heard(speaker.UserId)[before..], 3200);
        Assert.True(correlation > 0.8, $"correlation {correlation:F3}");
    }

    private static string Describe(EmulatedVoiceServer server, params DavePeer[] peers)
    {
        var gateway = server.GetDaveDeliveryService(Guild);
        var peerText = string.Join("; ", peers.Select(p => $"{p.UserId}: v{p.Dave.ProtocolVersion} ready={p.Dave.IsReadyToSend} members={p.Dave.GroupMembers.Count} "
            + $"kp={p.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage))} commits={p.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome))} rejected={p.Totals.Total(DiscordMetrics.DaveMessagesRejectedName)} ignored={p.Totals.Total(DiscordMetrics.DaveMessagesIgnoredName)} "
            + $"transitions={p.Totals.Total(DiscordMetrics.DaveTransitionsName)} binary={p.Totals.Total(DiscordMetrics.VoiceBinaryMessagesName)}"));
        var fromClients = gateway is null ? "no gateway" : string.Join(",", gateway.FromClients.Select(m => $"{m.User}:{m.Opcode}"));
        return $"{peerText}; gateway epoch={gateway?.Epoch} accepted={gateway?.CommitsAccepted} dropped={gateway?.CommitsDropped} malformed={gateway?.MalformedDropped} "
            + $"from clients [{fromClients}]; server dave out={server.Counters.DaveMessagesOut} unknown={server.Counters.UnknownOpcodes}";
    }

    /// <summary>Until <paramref name="done"/> holds: conditions span the peers' sessions, what they hear and the
    /// emulator, so it is re-checked whenever any of them reports a change.</summary>
    private Task WaitUntilAsync(Func<bool> done, string what, Func<string>? describe = null) =>
        Wait.UntilAsync(done, _changed, TimeSpan.FromSeconds(20), () => $"{what}. {describe?.Invoke()}");

    private sealed class DavePeer : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<ulong, List<short>> _heard = [];
        private bool _disposed;

        private readonly ChangeSignal _changed;

        private DavePeer(ulong userId, DaveSession dave, ChangeSignal changed, DiscordMetrics metrics)
        {
            UserId = userId;
            Dave = dave;
            Metrics = metrics;
            _changed = changed;
            Totals = new MeterTotals(Metrics.Meter);
        }

        public ulong UserId { get; }
        public DaveSession Dave { get; }

        /// <summary>The instruments of this peer's session and connection, a meter of their own.</summary>
        public DiscordMetrics Metrics { get; }

        public MeterTotals Totals { get; }

        public VoiceConnection Connection { get; private set; } = null!;

        public static async Task<DavePeer> JoinAsync(
            EmulatedVoiceServer server, ulong userId, ChangeSignal changed, Func<VoiceConnectionOptions, VoiceConnectionOptions>? adjust = null)
        {
            var credentials = server.CreateCredentials(Guild, userId);
            var metrics = new DiscordMetrics();
            var peer = new DavePeer(userId, new DaveSession(userId, credentials.ChannelId, metrics: metrics), changed, metrics);
            server.Changed += changed.Notify;
            peer.Dave.Changed += changed.Notify;
            var options = new VoiceConnectionOptions
            {
                UseTls = false,
                Metrics = metrics,
                PcmFrameHandler = peer.OnFrame,
                MaxDaveProtocolVersion = 1,
                DaveHandler = peer.Dave,
                FrameCryptor = peer.Dave,
            };
            peer.Connection = new VoiceConnection(VoiceTestHarness.ToClient(credentials), adjust is null ? options : adjust(options));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await peer.Connection.StartAsync(cts.Token);
            return peer;
        }

        public short[] Heard(ulong userId)
        {
            lock (_gate)
            {
                return _heard.TryGetValue(userId, out var list) ? [.. list] : [];
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
            _changed.Notify();
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await Connection.DisposeAsync();
            Dave.Dispose();
            Totals.Dispose();
        }
    }
}
