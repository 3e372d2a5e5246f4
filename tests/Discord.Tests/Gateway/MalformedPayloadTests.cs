using Chorus.Discord.Diagnostics;
using Chorus.Discord.Models;

namespace Chorus.Discord.Tests.Gateway;

[EndToEnd]
public sealed class MalformedPayloadTests
{
    private static readonly TimeSpan Timeout = EmulatorRig.Timeout;

    [Fact]
    public async Task Hostile_frames_are_skipped_counted_and_logged_and_the_connection_survives()
    {
        await using var rig = await EmulatorRig.StartAsync();
        var client = rig.NewClient();
        var states = new EventProbe<DiscordVoiceState>();
        client.VoiceStateUpdated += states.Add;
        var guilds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.GuildCreated += _ => guilds.TrySetResult();
        await client.StartAsync().WaitAsync(Timeout);
        // READY completes StartAsync; GUILD_CREATE (the next sequence number) may still be on its way.
        await guilds.Task.WaitAsync(Timeout);
        var sequenceBefore = client.Sequence;

        string[] malformed =
        [
            "{\"op\":0,\"t\":\"GUILD_CREATE\",\"s\":",
            "not json at all",
            "[1,2,3]",
            "{\"op\":0,\"t\":\"VOICE_STATE_UPDATE\",\"s\":null,\"d\":{\"guild_id\":\"1\",\"channel_id\":\"2\"}}",
            "{\"op\":0,\"t\":\"GUILD_CREATE\",\"s\":null,\"d\":{\"name\":\"no id\"}}",
            "{\"op\":0,\"t\":\"INTERACTION_CREATE\",\"s\":null,\"d\":{\"id\":\"not-a-number\",\"application_id\":\"1\",\"type\":2,\"token\":\"t\"}}",
            "{\"op\":0,\"s\":null,\"d\":{}}",
        ];
        foreach (var frame in malformed)
        {
            await rig.Emulator.SendRawAsync(frame);
        }

        await rig.Emulator.SendRawAsync("{\"op\":42,\"d\":{}}");
        await rig.Emulator.SendRawAsync("{\"op\":0,\"t\":\"BRAND_NEW_EVENT\",\"s\":null,\"d\":{\"x\":1}}");
        await rig.Emulator.UserJoinsVoiceAsync(EmulatorRig.GuildId, EmulatorRig.BobId, EmulatorRig.VoiceChannelId);
        await states.WaitForAsync(s => s.UserId == EmulatorRig.BobId, Timeout);

        Assert.Equal(malformed.Length, rig.Totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.Malformed));
        Assert.Equal(1, rig.Totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.UnknownOpcode));
        Assert.Equal(1, rig.Totals.Total(DiscordMetrics.GatewayMessagesDroppedName, MetricTag.UnknownEvent));
        Assert.Equal(sequenceBefore + 1, client.Sequence);
        Assert.Single(rig.Emulator.Identifies.Snapshot());
        Assert.Empty(rig.Emulator.Resumes.Snapshot());
        Assert.Equal(0, rig.Totals.Total(DiscordMetrics.GatewayReconnectsName));
        Assert.Equal(malformed.Length, rig.Logger.Lines.Count(l => l.Contains("malformed gateway payload", StringComparison.Ordinal)));
        Assert.Contains(rig.Logger.Lines, l => l.Contains("unknown opcode 42", StringComparison.Ordinal));
        Assert.Contains(rig.Logger.Lines, l => l.Contains("BRAND_NEW_EVENT", StringComparison.Ordinal));
        Assert.Single(states.Items);
    }

    [Fact]
    public async Task The_token_never_appears_in_logs_across_identify_resume_and_reidentify()
    {
        await using var rig = await EmulatorRig.StartAsync(heartbeatMs: 100);
        var client = rig.NewClient();
        var readies = new EventProbe<ReadyEvent>();
        client.Ready += readies.Add;
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Resumed += () => resumed.TrySetResult();
        await client.StartAsync().WaitAsync(Timeout);
        await rig.Emulator.Heartbeats.WaitForAsync(h => h.Acked, Timeout);

        rig.Emulator.DropConnections();
        await resumed.Task.WaitAsync(Timeout);
        await rig.Emulator.InvalidateSessionsAsync(resumable: false);
        await readies.WaitForCountAsync(2, _ => true, Timeout);
        await client.StopAsync();

        var lines = rig.Logger.Lines;
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Contains("resumed session", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(rig.Emulator.Options.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Emulator.Options.Token, rig.ClientOptions().ToString(), StringComparison.Ordinal);
    }
}
