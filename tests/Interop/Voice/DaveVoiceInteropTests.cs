using Chorus.Discord.Diagnostics;
using Chorus.Discord.Voice.Gateway;

namespace Chorus.Interop.Voice;

/// <summary>
/// DAVE calls through the emulated voice server with @discordjs/voice + davey (OpenMLS) as the reference client: the
/// emulator alone with reference clients, davey committing our Add (the other order is in VoiceInteropTests), a third
/// member coming and going (also mid-sentence), the sole-member reset, and our client recovering from an invalid commit.
/// Privacy codes are compared across implementations at every epoch; who wins a first-commit race, which otherwise goes
/// either way, is scripted with the gateway's DeferNextCommitFrom.
/// </summary>
[EndToEnd]
public sealed class DaveVoiceInteropTests(ITestOutputHelper output)
{
    private const ulong Bot = 9200;
    private const ulong NodeA = 9300;
    private const ulong NodeB = 9400;
    private static readonly TimeSpan Timeout = InteropVoiceCall.Timeout;

    /// <summary>No code of ours in the call but the emulator: two reference clients form the group and hear each other.</summary>
    [Fact]
    public async Task Two_reference_clients_alone_complete_the_handshake_through_the_emulator_and_hear_each_other()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var a = await call.JoinNodeAsync(NodeA, listenTo: NodeB);
        var b = await call.JoinNodeAsync(NodeB, listenTo: NodeA);

        var seenByA = await a.WaitForEpochAsync(1, Timeout);
        var seenByB = await b.WaitForEpochAsync(1, Timeout);
        Assert.Equal([NodeA, NodeB], seenByA.Members);
        Assert.Equal([NodeA, NodeB], seenByB.Members);
        Assert.Matches("^[0-9]{30}$", seenByA.PrivacyCode);
        Assert.Equal(seenByA.PrivacyCode, seenByB.PrivacyCode);
        output.WriteLine($"epoch 1: A {seenByA.PrivacyCode}, B {seenByB.PrivacyCode}");

        await ChirpExchange.NodeAndNodeAsync(call, a, b);
        Assert.True(call.Server.Counters.DaveFramesRelayed >= 100, $"DAVE frames relayed {call.Server.Counters.DaveFramesRelayed}");
        Assert.Equal((1, 0), await call.ReadDaveAsync(g => (g.CommitsAccepted, g.MalformedDropped)));
    }

    /// <summary>The reference client is there first; davey commits our Add and welcomes us (our own commit loses the race).</summary>
    [Fact]
    public async Task Reference_client_commits_and_welcomes_our_client_and_both_hear_each_other()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var node = await call.JoinNodeAsync(NodeA, listenTo: Bot);
        await call.ScriptDaveAsync(g => g.DeferNextCommitFrom(Bot));
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeA);

        var seenByNode = await node.WaitForEpochAsync(1, Timeout);
        await bot.WaitForEpochAsync(1, Bot, NodeA);
        var session = bot.Dave!;
        output.WriteLine($"epoch 1: davey {seenByNode.PrivacyCode}, ours {session.PrivacyCode}");
        Assert.Equal(seenByNode.PrivacyCode, session.PrivacyCode);
        Assert.Equal([Bot, NodeA], seenByNode.Members);
        // davey founded the group (leaf 0); ours was welcomed into leaf 1 after its own commit was dropped.
        Assert.Equal([NodeA, Bot], await call.ReadDaveAsync(g => g.Leaves.Select(l => l!.Value).ToList()));
        Assert.Equal((1, 1), await call.ReadDaveAsync(g => (g.CommitsAccepted, g.CommitsDropped)));
        Assert.Equal(1, bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)));

        await ChirpExchange.BotAndNodeAsync(call, bot, node);
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName) >= 50, $"encrypted {bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName)}");
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) >= 50, $"decrypted {bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName)}");
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName));
    }

    /// <summary>
    /// B joins our call with A (epoch 2) and leaves again (epoch 3): everyone follows, codes agree, audio goes on. Our
    /// client commits B's Add (davey processes our commit and B our Welcome); A commits B's Remove, with an UpdatePath,
    /// which ours processes.
    /// </summary>
    [Fact]
    public async Task A_third_reference_client_joins_and_leaves_and_every_epoch_has_one_privacy_code()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeA);
        var a = await call.JoinNodeAsync(NodeA, listenTo: Bot);
        var session = bot.Dave!;

        var epoch1 = await a.WaitForEpochAsync(1, Timeout);
        await bot.WaitForEpochAsync(1, Bot, NodeA);
        output.WriteLine($"epoch 1: A {epoch1.PrivacyCode}, ours {session.PrivacyCode}");
        Assert.Equal(epoch1.PrivacyCode, session.PrivacyCode);

        await call.ScriptDaveAsync(g => g.DeferNextCommitFrom(NodeA));
        var b = await call.JoinNodeAsync(NodeB, listenTo: Bot);
        var epoch2ByA = await a.WaitForEpochAsync(2, Timeout);
        var epoch2ByB = await b.WaitForEpochAsync(2, Timeout);
        await bot.WaitForEpochAsync(2, Bot, NodeA, NodeB);
        output.WriteLine($"epoch 2: A {epoch2ByA.PrivacyCode}, B {epoch2ByB.PrivacyCode}, ours {session.PrivacyCode}");
        Assert.Equal([Bot, NodeA, NodeB], epoch2ByA.Members);
        Assert.Equal([Bot, NodeA, NodeB], epoch2ByB.Members);
        Assert.Equal(epoch2ByA.PrivacyCode, session.PrivacyCode);
        Assert.Equal(epoch2ByA.PrivacyCode, epoch2ByB.PrivacyCode);
        Assert.NotEqual(epoch1.PrivacyCode, epoch2ByA.PrivacyCode);

        // Each epoch so far: both members committed, one was dropped; A's epoch-2 commit was held back, so ours won.
        Assert.Equal(2, bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)));
        Assert.Equal((2, 2), await call.ReadDaveAsync(g => (g.CommitsAccepted, g.CommitsDropped)));

        await call.ScriptDaveAsync(g => g.DeferNextCommitFrom(Bot));
        await b.SendAsync("leave");
        await b.WaitForEventAsync("left", Timeout);
        var epoch3 = await a.WaitForEpochAsync(3, Timeout);
        await bot.WaitForEpochAsync(3, Bot, NodeA);
        output.WriteLine($"epoch 3: A {epoch3.PrivacyCode}, ours {session.PrivacyCode}");
        Assert.Equal([Bot, NodeA], epoch3.Members);
        Assert.Equal(epoch3.PrivacyCode, session.PrivacyCode);
        Assert.NotEqual(epoch2ByA.PrivacyCode, epoch3.PrivacyCode);
        Assert.DoesNotContain(NodeB, bot.Connection.ConnectedUsers);

        await ChirpExchange.BotAndNodeAsync(call, bot, a);
        Assert.Equal(3, bot.Totals.Total(DiscordMetrics.DaveTransitionsName));
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) >= 50, $"decrypted {bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName)}");
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName));
        Assert.Equal(3, bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)));
        Assert.Equal((3, 3), await call.ReadDaveAsync(g => (g.CommitsAccepted, g.CommitsDropped)));
    }

    /// <summary>
    /// B joins while our client and A are talking: the epoch changes under the audio (davey switches its send key when it
    /// processes the commit, ours when op 22 executes the transition) and neither side loses the sentence.
    /// </summary>
    [Fact]
    public async Task Audio_flows_on_while_a_third_reference_client_joins_mid_sentence()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeA);
        var a = await call.JoinNodeAsync(NodeA, listenTo: Bot);
        var session = bot.Dave!;
        await a.WaitForEpochAsync(1, Timeout);
        await bot.WaitForEpochAsync(1, Bot, NodeA);

        var b = await call.StartNodeAsync(NodeB, listenTo: Bot);
        var silenceBefore = bot.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence);
        await ChirpExchange.BotAndNodeAsync(call, bot, a, seconds: 3, meanwhile: async () =>
        {
            var joining = System.Diagnostics.Stopwatch.StartNew();
            await call.JoinStartedNodeAsync(b, NodeB);
            await b.WaitForEpochAsync(2, Timeout);
            await a.WaitForEpochAsync(2, Timeout);
            await bot.WaitForEpochAsync(2, Bot, NodeA, NodeB);
            output.WriteLine($"B joined and everyone reached epoch 2 {joining.ElapsedMilliseconds} ms into the 3 s sentence");
            // Both were still talking when everyone had moved to epoch 2.
            Assert.Equal(silenceBefore, bot.Totals.Total(DiscordMetrics.PacketsSentName, MetricTag.Silence));
            Assert.Equal(0, a.CountEvents("played"));
        });

        output.WriteLine($"ours: {bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName)} decrypted, {bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending)} failures, "
            + $"{bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending)} during the transition, {bot.Totals.Total(DiscordMetrics.DaveFramesPassedThroughName)} passed through");
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName));
    }

    /// <summary>
    /// The mirror of our recovery: the reference client gets an invalid commit, reports op 31 and re-initialises; our client,
    /// the only other member, commits its removal and re-add, and davey joins again through our Welcome.
    /// </summary>
    [Fact]
    public async Task A_reference_client_recovers_from_an_invalid_commit_and_our_client_re_adds_it()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var a = await call.JoinNodeAsync(NodeA, listenTo: Bot);
        // A founds the group; the copy of its own commit announced back to it is corrupted.
        await call.ScriptDaveAsync(g =>
        {
            g.DeferNextCommitFrom(Bot);
            g.CorruptNextCommitFor(NodeA);
        });
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeA);
        var session = bot.Dave!;

        await call.WaitForDaveDeliveryServiceAsync(g => g.FromClients.Any(m => m.User == NodeA && m.Opcode == VoiceOpcode.DaveMlsInvalidCommitWelcome),
            () => "davey's op 31");
        var rejoined = await a.WaitForEventAsync("transitioned", Timeout, e => e.GetProperty("members").GetArrayLength() == 2);
        var epoch = (ulong)rejoined.GetProperty("epoch").GetInt64();
        await bot.WaitForEpochAsync(epoch, Bot, NodeA);
        output.WriteLine($"epoch {epoch} after davey's re-add: davey {rejoined.GetProperty("privacyCode").GetString()}, ours {session.PrivacyCode}");
        Assert.Equal(rejoined.GetProperty("privacyCode").GetString(), session.PrivacyCode);
        Assert.True(epoch >= 2, $"davey back in epoch {epoch}");
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome)) >= 2, $"our commits {bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome))}");
        var fromDavey = await call.ReadDaveAsync(g => g.FromClients.Where(m => m.User == NodeA).Select(m => m.Opcode).ToList());
        Assert.Equal(1, fromDavey.Count(op => op == VoiceOpcode.DaveMlsInvalidCommitWelcome));
        Assert.Equal(2, fromDavey.Count(op => op == VoiceOpcode.DaveMlsKeyPackage));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome)));

        await ChirpExchange.BotAndNodeAsync(call, bot, a);
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName));
    }

    /// <summary>
    /// The reference client leaves us alone: the sole-member reset (op 24 epoch 1, op 21 tid 0) sends our client back to a
    /// pending group, and the next reference client forms a fresh group with it.
    /// </summary>
    [Fact]
    public async Task After_the_sole_member_reset_a_new_reference_client_forms_a_fresh_group_with_our_client()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeB);
        var a = await call.JoinNodeAsync(NodeA, listenTo: Bot);
        var session = bot.Dave!;
        var first = await a.WaitForEpochAsync(1, Timeout);
        await bot.WaitForEpochAsync(1, Bot, NodeA);

        await a.SendAsync("leave");
        await a.WaitForEventAsync("left", Timeout);
        await Wait.UntilAsync(() => bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)) == 2 && session.GroupMembers.Count == 0,
            changed => session.Changed += changed, changed => session.Changed -= changed, Timeout,
            () => $"our reset: {bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage))} key packages, members [{string.Join(',', session.GroupMembers)}]");
        Assert.Equal(0UL, await call.ReadDaveAsync(g => g.Epoch));

        var b = await call.JoinNodeAsync(NodeB, listenTo: Bot);
        var fresh = await b.WaitForEpochAsync(1, Timeout);
        await bot.WaitForEpochAsync(1, Bot, NodeB);
        output.WriteLine($"first group: A {first.PrivacyCode}; fresh group: B {fresh.PrivacyCode}, ours {session.PrivacyCode}");
        Assert.Equal([Bot, NodeB], fresh.Members);
        Assert.Equal(fresh.PrivacyCode, session.PrivacyCode);
        Assert.NotEqual(first.PrivacyCode, fresh.PrivacyCode);

        await ChirpExchange.BotAndNodeAsync(call, bot, b);
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) >= 50, $"decrypted {bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName)}");
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName));
    }

    /// <summary>
    /// The commit announcing B's Add reaches our client corrupted: it reports op 31, is removed and re-added by a
    /// reference client's commit, and hears and is heard again.
    /// </summary>
    [Fact]
    public async Task Our_client_recovers_from_an_invalid_commit_and_is_re_added_by_a_reference_client()
    {
        await using var call = await InteropVoiceCall.StartAsync(dave: true);
        var a = await call.JoinNodeAsync(NodeA, listenTo: Bot);
        await call.ScriptDaveAsync(g => g.DeferNextCommitFrom(Bot));
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeA);
        var session = bot.Dave!;
        await a.WaitForEpochAsync(1, Timeout);
        await bot.WaitForEpochAsync(1, Bot, NodeA);
        await ChirpExchange.BotAndNodeAsync(call, bot, a);
        var decryptedBefore = bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName);
        var encryptedBefore = bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName);

        // A commits B's Add (ours is held back); the copy of that commit sent to us is corrupted.
        await call.ScriptDaveAsync(g =>
        {
            g.DeferNextCommitFrom(Bot);
            g.CorruptNextCommitFor(Bot);
        });
        var b = await call.JoinNodeAsync(NodeB, listenTo: Bot);
        await Wait.UntilAsync(
            () => bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome)) == 1 && session.GroupMembers.Count == 3 && session.IsReadyToSend && session.Epoch == session.GroupEpoch,
            changed => session.Changed += changed, changed => session.Changed -= changed, Timeout,
            () => $"our re-add: {bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome))} op 31, members [{string.Join(',', session.GroupMembers)}], epoch {session.Epoch}/{session.GroupEpoch}");
        var epoch = session.Epoch!.Value;
        Assert.True(epoch >= 3, $"Add B, then our Remove and re-Add: epoch {epoch}");
        var seenByA = await a.WaitForEpochAsync(epoch, Timeout);
        var seenByB = await b.WaitForEpochAsync(epoch, Timeout);
        output.WriteLine($"epoch {epoch} after the re-add: A {seenByA.PrivacyCode}, B {seenByB.PrivacyCode}, ours {session.PrivacyCode}");
        Assert.Equal([Bot, NodeA, NodeB], seenByA.Members);
        Assert.Equal(seenByA.PrivacyCode, session.PrivacyCode);
        Assert.Equal(seenByB.PrivacyCode, session.PrivacyCode);

        var fromUs = await call.ReadDaveAsync(g => g.FromClients.Where(m => m.User == Bot).Select(m => m.Opcode).ToList());
        Assert.Equal(1, fromUs.Count(op => op == VoiceOpcode.DaveMlsInvalidCommitWelcome));
        Assert.Equal(2, fromUs.Count(op => op == VoiceOpcode.DaveMlsKeyPackage));
        Assert.Equal(2, bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage)));
        Assert.Equal(1, bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome)));
        // The corrupted commit is the only message our session refused.
        Assert.Equal(1, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsAnnounceCommitTransition)));
        Assert.Equal(1, bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName));

        await ChirpExchange.BotAndNodeAsync(call, bot, a);
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) - decryptedBefore >= 50, $"decrypted after recovery {bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) - decryptedBefore}");
        Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName) - encryptedBefore >= 50, $"encrypted after recovery {bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName) - encryptedBefore}");
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.NoTransitionPending));
        output.WriteLine($"ours: {bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsKeyPackage))} key packages, {bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsCommitWelcome))} commits, {bot.Totals.Total(DiscordMetrics.DaveMessagesSentName, MetricTag.DaveOpcode(VoiceOpcode.DaveMlsInvalidCommitWelcome))} op 31, "
            + $"{bot.Totals.Total(DiscordMetrics.DaveTransitionsName)} transitions, {bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName)} rejected, {bot.Totals.Total(DiscordMetrics.DaveMessagesIgnoredName)} ignored, "
            + $"{bot.Totals.Total(DiscordMetrics.DaveDecryptFailuresName, MetricTag.TransitionPending)} decrypt failures during transitions; rejected by op: "
            + string.Join(' ', Enumerable.Range(0, 32).Where(op => bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(op)) > 0).Select(op => $"{op}={bot.Totals.Total(DiscordMetrics.DaveMessagesRejectedName, MetricTag.DaveOpcode(op))}")));
    }
}
