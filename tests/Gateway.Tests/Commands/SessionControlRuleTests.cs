using Chorus.Gateway.Commands;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Tests.Commands;

public sealed class SessionControlRuleTests
{
    private const ulong Channel = 900;
    private const ulong Moderators = 70;

    public static TheoryData<string, SessionControlPolicy, bool, ulong[], bool, int, string?> Cases => new()
    {
        // name, policy, manage guild, roles, caller in the bot's channel, others there, refusal mentions (null: allowed)
        { "anyone: in the channel with others", SessionControlPolicy.AnyoneInChannel, false, [], true, 3, null },
        { "anyone: elsewhere while others talk", SessionControlPolicy.AnyoneInChannel, false, [], false, 1, $"Only people in <#{Channel}>" },
        { "anyone: elsewhere, channel empty", SessionControlPolicy.AnyoneInChannel, false, [], false, 0, null },
        { "anyone: manager elsewhere", SessionControlPolicy.AnyoneInChannel, true, [], false, 2, null },
        { "role: role member elsewhere", SessionControlPolicy.Role, false, [Moderators], false, 2, null },
        { "role: in the channel without the role", SessionControlPolicy.Role, false, [], true, 1, $"<@&{Moderators}> role" },
        { "role: alone with the bot without the role", SessionControlPolicy.Role, false, [], true, 0, null },
        { "role: manager without the role", SessionControlPolicy.Role, true, [], false, 1, null },
        { "managers: in the channel with others", SessionControlPolicy.ManagersOnly, false, [Moderators], true, 1, "only members with Manage Server" },
        { "managers: alone with the bot", SessionControlPolicy.ManagersOnly, false, [], true, 0, null },
        { "managers: manager", SessionControlPolicy.ManagersOnly, true, [], false, 5, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Who_may_stop_or_move_the_bot(
        string name, SessionControlPolicy policy, bool manageGuild, ulong[] roles, bool inChannel, int others, string? refusalMentions)
    {
        var options = new GuildOptions(ControlPolicy: policy, ControlRoleId: policy == SessionControlPolicy.Role ? Moderators : null);
        var request = new SessionControlRequest(Channel, manageGuild, roles, inChannel, others);

        var stop = SessionControlRule.Refusal(options, request, SessionControlAction.Stop);
        var move = SessionControlRule.Refusal(options, request, SessionControlAction.Move);

        if (refusalMentions is null)
        {
            Assert.True(stop is null && move is null, $"{name}: refused with '{stop}'");
        }
        else
        {
            Assert.Contains(refusalMentions, stop, StringComparison.Ordinal);
            Assert.Contains("can stop me", stop, StringComparison.Ordinal);
            Assert.Contains("can move me", move, StringComparison.Ordinal);
        }
    }
}
