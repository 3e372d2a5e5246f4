using System.Text.Json.Nodes;
using Chorus.Emulators.Discord;
using Chorus.Gateway.Commands;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Tests.Commands;

[EndToEnd]
public sealed class CommandTests(CommandClusterFixture fixture) : IClassFixture<CommandClusterFixture>
{
    private static readonly TimeSpan Timeout = CommandRig.Timeout;

    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task Join_defers_then_joins_the_callers_channel()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var content, var replies) = await rig.RunAsync(CommandRig.AliceId, "join");

        Assert.Equal($"Joined <#{CommandRig.VoiceChannelId}>. Talk to me!", content);
        Assert.Equal((5, 64), (replies[0].CallbackType, replies[0].Flags));
        var op4 = Assert.Single(rig.Emulator.VoiceStateCommands.Snapshot());
        Assert.Equal((CommandRig.VoiceChannelId, false), (op4.ChannelId!.Value, op4.SelfDeaf));
        var session = await Grains.GetGrain<IVoiceSessionGrain>(rig.GuildKey).GetAsync();
        Assert.Equal(CommandRig.VoiceChannelId, session.ChannelId);
        Assert.Equal("gw-test", session.OwnerGatewayId);
    }

    [Fact]
    public async Task Join_with_a_channel_option_joins_that_channel()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        var options = new JsonArray(new JsonObject { ["name"] = "channel", ["type"] = 7, ["value"] = CommandRig.VoiceChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        (var content, _) = await rig.RunAsync(CommandRig.BobId, "join", options);

        Assert.Equal($"Joined <#{CommandRig.VoiceChannelId}>. Talk to me!", content);
    }

    [Fact]
    public async Task Join_when_the_caller_is_not_in_voice_says_so()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var content, _) = await rig.RunAsync(CommandRig.BobId, "join");

        Assert.Contains("You are not in a voice channel", content, StringComparison.Ordinal);
        Assert.Empty(rig.Emulator.VoiceStateCommands.Snapshot());
    }

    [Fact]
    public async Task Join_names_the_permissions_the_bot_lacks()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var content, _) = await rig.RunAsync(CommandRig.ManagerId, "join");

        Assert.Contains($"I can't join <#{CommandRig.LockedVoiceChannelId}>: I lack the Connect and Speak permissions there", content, StringComparison.Ordinal);
        Assert.Empty(rig.Emulator.VoiceStateCommands.Snapshot());
        Assert.Equal(VoiceSessionState.Idle, (await Grains.GetGrain<IVoiceSessionGrain>(rig.GuildKey).GetAsync()).State);
    }

    [Fact]
    public async Task Join_refuses_a_text_channel()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        var options = new JsonArray(new JsonObject { ["name"] = "channel", ["type"] = 7, ["value"] = CommandRig.TextChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        (var content, _) = await rig.RunAsync(CommandRig.AliceId, "join", options);

        Assert.Contains("is not a voice channel", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leave_after_join_leaves_voice_and_ends_the_session()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await rig.RunAsync(CommandRig.AliceId, "join");

        (var content, var replies) = await rig.RunAsync(CommandRig.AliceId, "leave");

        Assert.Equal($"Left <#{CommandRig.VoiceChannelId}>.", content);
        Assert.Equal((4, 64), (replies[0].CallbackType, replies[0].Flags));
        await rig.Emulator.VoiceStateCommands.WaitForAsync(c => c.ChannelId is null, Timeout);
        var session = await Grains.GetGrain<IVoiceSessionGrain>(rig.GuildKey).GetAsync();
        Assert.NotEqual(VoiceSessionState.Active, session.State);
    }

    [Fact]
    public async Task Leave_when_not_in_voice_says_so()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var content, _) = await rig.RunAsync(CommandRig.AliceId, "leave");

        Assert.Equal("I am not in a voice channel in this server.", content);
    }

    [Fact]
    public async Task Persona_set_needs_manage_server()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var content, _) = await rig.RunAsync(CommandRig.AliceId, "persona", CommandRig.Subcommand("set", ("text", "You are a pirate.")));

        Assert.Contains("Manage Server permission", content, StringComparison.Ordinal);
        var settings = await Grains.GetGrain<IGuildSettingsGrain>(rig.GuildKey).GetAsync();
        Assert.True(settings.PersonaIsDefault);
    }

    [Fact]
    public async Task Persona_set_show_and_reset_by_a_manager()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var set, _) = await rig.RunAsync(CommandRig.ManagerId, "persona", CommandRig.Subcommand("set", ("text", "You are a pirate.")));
        (var shown, _) = await rig.RunAsync(CommandRig.AliceId, "persona", CommandRig.Subcommand("show"));
        var afterSet = await Grains.GetGrain<IGuildSettingsGrain>(rig.GuildKey).GetAsync();
        (var reset, _) = await rig.RunAsync(CommandRig.OwnerId, "persona", CommandRig.Subcommand("reset"));
        var afterReset = await Grains.GetGrain<IGuildSettingsGrain>(rig.GuildKey).GetAsync();

        Assert.StartsWith("Persona updated", set, StringComparison.Ordinal);
        Assert.Equal("You are a pirate.", afterSet.Persona);
        Assert.Equal(CommandRig.ManagerId, afterSet.ChangedBy);
        Assert.Contains("You are a pirate.", shown, StringComparison.Ordinal);
        Assert.Equal("Persona reset to the default. " + ChangeTiming.NoSession, reset);
        Assert.True(afterReset.PersonaIsDefault);
    }

    [Fact]
    public async Task Over_long_persona_is_refused_with_the_limit()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        string text = new('a', PersonaCommand.PersonaMaxLength + 1);

        (var content, _) = await rig.RunAsync(CommandRig.ManagerId, "persona", CommandRig.Subcommand("set", ("text", text)));

        Assert.Contains("limit is 6000", content, StringComparison.Ordinal);
        Assert.True((await Grains.GetGrain<IGuildSettingsGrain>(rig.GuildKey).GetAsync()).PersonaIsDefault);
    }

    [Fact]
    public async Task Voice_accepts_known_names_in_any_case_and_refuses_unknown_ones()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var ok, _) = await rig.RunAsync(CommandRig.ManagerId, "persona", CommandRig.Subcommand("voice", ("name", "puck")));
        (var bad, _) = await rig.RunAsync(CommandRig.ManagerId, "persona", CommandRig.Subcommand("voice", ("name", "Robot")));

        Assert.Equal("Voice set to Puck. " + ChangeTiming.NoSession, ok);
        Assert.StartsWith("Unknown voice 'Robot'", bad, StringComparison.Ordinal);
        Assert.Equal("Puck", (await Grains.GetGrain<IGuildSettingsGrain>(rig.GuildKey).GetAsync()).VoiceName);
    }

    [Fact]
    public async Task Language_rejects_a_non_bcp47_code()
    {
        await using var rig = await CommandRig.StartAsync(Grains);

        (var bad, _) = await rig.RunAsync(CommandRig.ManagerId, "persona", CommandRig.Subcommand("language", ("code", "english please")));
        (var ok, _) = await rig.RunAsync(CommandRig.ManagerId, "persona", CommandRig.Subcommand("language", ("code", "fr-FR")));

        Assert.Contains("is not a BCP-47 language code", bad, StringComparison.Ordinal);
        Assert.Equal("Language set to fr-FR. " + ChangeTiming.NoSession, ok);
    }

    [Fact]
    public async Task Voice_autocomplete_answers_with_matching_choices()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        var options = CommandRig.Subcommand("voice", ("name", "z"));
        options[0]!["options"]![0]!["focused"] = true;

        var interaction = await rig.Emulator.InvokeAutocompleteAsync(rig.GuildId, CommandRig.TextChannelId, CommandRig.AliceId, "persona", options);
        var reply = await rig.Emulator.InteractionReplies.WaitForAsync(r => r.Token == interaction.Token, Timeout);

        Assert.Equal(8, reply.CallbackType);
        Assert.Equal(["Zephyr", "Zubenelgenubi"], reply.Body!["data"]!["choices"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Status_reports_state_speakers_and_counters()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await rig.RunAsync(CommandRig.AliceId, "join");

        (var content, _) = await rig.RunAsync(CommandRig.BobId, "status");

        Assert.Contains($"in <#{CommandRig.VoiceChannelId}>", content, StringComparison.Ordinal);
        Assert.Contains($"**Speakers**: <@{CommandRig.AliceId}>", content, StringComparison.Ordinal);
        Assert.Contains("**Reconnects**: 0", content, StringComparison.Ordinal);
        Assert.Contains("**Tokens**: 0 in, 0 out", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_reports_today_this_month_and_the_current_conversation_to_anyone()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        (var before, _) = await rig.RunAsync(CommandRig.BobId, "usage");
        await rig.RunAsync(CommandRig.AliceId, "join");
        // One minute of speech each way: 1,920 audio tokens in and 1,500 out at the default prices, plus 100 text tokens.
        await Grains.GetGrain<IVoiceSessionGrain>(rig.GuildKey).RecordStatsAsync("gw-test",
            new SessionUsage(AudioSecondsIn: 60, AudioSecondsOut: 60, TokensIn: 2_020, TokensOut: 1_500, PromptAudioTokens: 1_920, ResponseAudioTokens: 1_500), null);

        (var content, var replies) = await rig.RunAsync(CommandRig.BobId, "usage");

        Assert.Contains("**This conversation**: none running", before, StringComparison.Ordinal);
        Assert.Contains("**Today** (", content, StringComparison.Ordinal);
        Assert.Contains("**This month** (", content, StringComparison.Ordinal);
        // 1,920 x $3 + 100 x $0.75 + 1,500 x $12 per million = $0.023835.
        var line = "1.0 min heard, 1.0 min spoken; 2,020 tokens in (1,920 audio), 1,500 out (1,500 audio); about $0.0238";
        Assert.Contains($"**This conversation**: {line}", content, StringComparison.Ordinal);
        Assert.Equal(4, content.Split(line).Length);
        Assert.Equal(64, replies[0].Flags);
    }

    [Fact]
    public async Task A_slow_command_is_deferred_and_then_edited()
    {
        await using var rig = await CommandRig.StartAsync(Grains, new CommandOptions { GatewayId = "gw-test", DeferAfter = TimeSpan.Zero });

        (var content, var replies) = await rig.RunAsync(CommandRig.AliceId, "persona", CommandRig.Subcommand("show"));

        Assert.Equal([InteractionReplyKind.Callback, InteractionReplyKind.EditOriginal], replies.Select(r => r.Kind));
        Assert.Equal((5, 64), (replies[0].CallbackType, replies[0].Flags));
        Assert.Contains("**Voice**", content, StringComparison.Ordinal);
    }
}
