using Chorus.Discord.Diagnostics;
namespace Chorus.Interop.Voice;

/// <summary>
/// @discordjs/voice (a client nobody here wrote) and our client join the emulated voice server together; each
/// speaks a chirp and the other must hear it. This ties the emulator and our transport to the real protocol.
/// </summary>
[EndToEnd]
public sealed class VoiceInteropTests
{
    private const ulong Bot = 9200;
    private const ulong NodeUser = 9300;

    [Fact]
    public Task Our_client_and_discordjs_voice_hear_each_other_through_the_emulated_sfu() => HearEachOtherAsync(dave: false);

    /// <summary>Both clients with DAVE: the emulator's MLS group must satisfy davey as well as our DaveSession.</summary>
    [Fact]
    public Task Our_client_and_discordjs_voice_with_dave_hear_each_other_end_to_end_encrypted() => HearEachOtherAsync(dave: true);

    private static async Task HearEachOtherAsync(bool dave)
    {
        await using var call = await InteropVoiceCall.StartAsync(dave);
        var bot = await call.JoinBotAsync(Bot, listenTo: NodeUser);
        if (dave)
        {
            // Both pending members commit each other's Add; davey's commit is held back so ours is the one announced.
            await call.ScriptDaveAsync(g => g.DeferNextCommitFrom(NodeUser));
        }

        var node = await call.JoinNodeAsync(NodeUser, listenTo: Bot);
        if (dave)
        {
            // davey announces the executed transition; ours must be in the same two-member group, which it founded.
            var transition = await node.WaitForEpochAsync(1, InteropVoiceCall.Timeout);
            Assert.NotEqual(0, transition.TransitionId);
            await bot.WaitForEpochAsync(1, Bot, NodeUser);
            Assert.Equal(transition.PrivacyCode, bot.Dave!.PrivacyCode);
            Assert.Equal([Bot, NodeUser], await call.ReadDaveAsync(g => g.Leaves.Select(l => l!.Value).ToList()));
        }

        await ChirpExchange.BotAndNodeAsync(call, bot, node);

        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.AuthenticationFailed));
        Assert.Equal(0, bot.Totals.Total(DiscordMetrics.PacketsDroppedName, MetricTag.DecodeFailed));
        if (bot.Dave is { } session)
        {
            Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName) >= 50, $"encrypted {bot.Totals.Total(DiscordMetrics.DaveFramesEncryptedName)}");
            Assert.True(bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName) >= 50, $"decrypted {bot.Totals.Total(DiscordMetrics.DaveFramesDecryptedName)}");
            Assert.True(call.Server.Counters.DaveFramesRelayed >= 100, $"DAVE frames relayed {call.Server.Counters.DaveFramesRelayed}");
            Assert.Equal(0, await call.ReadDaveAsync(g => g.MalformedDropped));
        }
        else
        {
            Assert.Equal(0, call.Server.Counters.DaveFramesRelayed);
        }
    }
}
