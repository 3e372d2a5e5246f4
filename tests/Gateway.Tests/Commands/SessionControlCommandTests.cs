using System.Globalization;
using System.Text.Json.Nodes;
using Chorus.Gateway.Commands;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Tests.Commands;

/// <summary>/leave and /join to another channel against the guild's "who may stop or move the bot" setting.</summary>
[EndToEnd]
public sealed class SessionControlCommandTests(CommandClusterFixture fixture) : IClassFixture<CommandClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    private static JsonArray JoinChannel(ulong id) =>
        [new JsonObject { ["name"] = "channel", ["type"] = 7, ["value"] = id.ToString(CultureInfo.InvariantCulture) }];

    private async Task SetPolicyAsync(CommandRig rig, SessionControlPolicy policy) =>
        Assert.True((await Grains.GetGrain<IGuildSettingsGrain>(rig.GuildKey).ChangeOptionsAsync(
            new GuildOptionsChange { ControlPolicy = policy, ControlRoleId = CommandRig.ModeratorRoleId }, CommandRig.OwnerId)).Succeeded);

    private async Task<ulong?> BotChannelAsync(CommandRig rig) =>
        SessionControlRule.LiveChannel(await Grains.GetGrain<IVoiceSessionGrain>(rig.GuildKey).GetAsync());

    [Fact]
    public async Task By_default_someone_outside_the_bots_channel_can_neither_stop_nor_move_it_while_others_talk()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await rig.RunAsync(CommandRig.AliceId, "join");

        (var leave, var replies) = await rig.RunAsync(CommandRig.BobId, "leave");
        (var move, _) = await rig.RunAsync(CommandRig.DaveId, "join");

        Assert.StartsWith($"Only people in <#{CommandRig.VoiceChannelId}> (or members with Manage Server) can stop me", leave, StringComparison.Ordinal);
        Assert.Equal(64, replies[0].Flags);
        Assert.Contains("can move me", move, StringComparison.Ordinal);
        Assert.Equal(CommandRig.VoiceChannelId, await BotChannelAsync(rig));
    }

    [Fact]
    public async Task By_default_someone_in_the_bots_channel_can_stop_it()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await rig.RunAsync(CommandRig.AliceId, "join");
        await rig.MoveUserAsync(CommandRig.BobId, CommandRig.VoiceChannelId);

        (var leave, _) = await rig.RunAsync(CommandRig.BobId, "leave");

        Assert.Equal($"Left <#{CommandRig.VoiceChannelId}>.", leave);
    }

    [Fact]
    public async Task A_manager_can_always_move_the_bot()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await SetPolicyAsync(rig, SessionControlPolicy.ManagersOnly);
        await rig.RunAsync(CommandRig.AliceId, "join");

        (var move, _) = await rig.RunAsync(CommandRig.ManagerId, "join", JoinChannel(CommandRig.OtherVoiceChannelId));

        Assert.Equal($"Moved to <#{CommandRig.OtherVoiceChannelId}>.", move);
        Assert.Equal(CommandRig.OtherVoiceChannelId, await BotChannelAsync(rig));
    }

    [Fact]
    public async Task With_the_role_policy_a_role_member_elsewhere_may_and_others_are_told_which_role()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await SetPolicyAsync(rig, SessionControlPolicy.Role);
        await rig.RunAsync(CommandRig.AliceId, "join");

        (var refused, _) = await rig.RunAsync(CommandRig.DaveId, "join");
        (var moved, _) = await rig.RunAsync(CommandRig.CarolId, "join");

        Assert.Contains($"only members with the <@&{CommandRig.ModeratorRoleId}> role or Manage Server can move me", refused, StringComparison.Ordinal);
        Assert.Equal($"Moved to <#{CommandRig.OtherVoiceChannelId}>.", moved);
    }

    [Fact]
    public async Task Managers_only_still_lets_the_one_person_alone_with_the_bot_stop_it_but_not_once_someone_joins()
    {
        await using var rig = await CommandRig.StartAsync(Grains);
        await SetPolicyAsync(rig, SessionControlPolicy.ManagersOnly);
        await rig.RunAsync(CommandRig.AliceId, "join");
        await rig.MoveUserAsync(CommandRig.BobId, CommandRig.VoiceChannelId);

        (var refused, _) = await rig.RunAsync(CommandRig.AliceId, "leave");
        await rig.MoveUserAsync(CommandRig.BobId, null);
        (var left, _) = await rig.RunAsync(CommandRig.AliceId, "leave");

        Assert.Contains("only members with Manage Server can stop me", refused, StringComparison.Ordinal);
        Assert.Equal($"Left <#{CommandRig.VoiceChannelId}>.", left);
    }
}
