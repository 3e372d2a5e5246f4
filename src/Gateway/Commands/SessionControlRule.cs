using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Commands;

/// <summary>Stopping the bot (/leave) or moving it (/join to another channel).</summary>
public enum SessionControlAction
{
    Stop,
    Move,
}

/// <summary>What the rule needs to know about the caller and the bot's voice channel.</summary>
/// <param name="BotChannelId">The voice channel the bot is in (or joining).</param>
/// <param name="CallerCanManageGuild">The caller has Manage Server or Administrator.</param>
/// <param name="CallerRoles">The caller's roles.</param>
/// <param name="CallerInBotChannel">The caller is in <paramref name="BotChannelId"/>.</param>
/// <param name="OthersInBotChannel">People other than the caller in <paramref name="BotChannelId"/> (bots not counted).</param>
public sealed record SessionControlRequest(
    ulong BotChannelId, bool CallerCanManageGuild, IReadOnlyCollection<ulong> CallerRoles, bool CallerInBotChannel, int OthersInBotChannel)
{
    /// <summary>The request of the member running <paramref name="context"/>, from this process's view of the guild.</summary>
    public static SessionControlRequest From(CommandContext context, ulong botChannelId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var guild = context.Guild;
        var callerIn = guild?.GetUserVoiceChannel(context.UserId) == botChannelId;
        // Without the guild's state nobody can be shown to be alone with the bot: count someone else as present.
        // A user not known to be a bot counts as a person.
        var others = guild?.GetVoiceStates(botChannelId)
            .Count(s => s.UserId != context.BotUserId && s.UserId != context.UserId && s.Member?.User?.Bot != true) ?? 1;
        return new SessionControlRequest(botChannelId, context.CallerCanManageGuild, context.CallerRoles, callerIn, others);
    }
}

/// <summary>
/// Who may stop or move the bot while it is in a voice channel. Always allowed: members with Manage Server (or
/// Administrator), and a member with nobody else in the bot's channel (alone with it, or the channel is empty), since
/// then no one else's conversation is cut. Otherwise the guild's <see cref="SessionControlPolicy"/> decides: anyone in
/// the bot's channel (the default), members with the chosen role, or Manage Server only.
/// </summary>
public static class SessionControlRule
{
    /// <summary>Null when the caller may; otherwise the sentence that tells them who may.</summary>
    public static string? Refusal(GuildOptions options, SessionControlRequest request, SessionControlAction action)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallerCanManageGuild || request.OthersInBotChannel == 0)
        {
            return null;
        }

        var verb = action == SessionControlAction.Stop ? "stop" : "move";
        var channel = $"<#{request.BotChannelId}>";
        switch (options.ControlPolicy)
        {
            case SessionControlPolicy.AnyoneInChannel when request.CallerInBotChannel:
                return null;
            case SessionControlPolicy.AnyoneInChannel:
                return $"Only people in {channel} (or members with Manage Server) can {verb} me while others are talking with me there. Join {channel} first, or ask someone there.";
            case SessionControlPolicy.Role when options.ControlRoleId is ulong role && request.CallerRoles.Contains(role):
                return null;
            case SessionControlPolicy.Role when options.ControlRoleId is ulong role:
                return $"In this server only members with the <@&{role}> role or Manage Server can {verb} me while others are talking with me in {channel}.";
            default:
                return $"In this server only members with Manage Server can {verb} me while others are talking with me in {channel}.";
        }
    }

    /// <summary>The voice channel of a session that is running or starting, or null.</summary>
    public static ulong? LiveChannel(VoiceSessionSnapshot session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.State is VoiceSessionState.Joining or VoiceSessionState.Active or VoiceSessionState.Reconnecting ? session.ChannelId : null;
    }

    /// <summary>The policy in words, for /settings.</summary>
    public static string Describe(GuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ControlPolicy switch
        {
            SessionControlPolicy.AnyoneInChannel => "anyone in my voice channel",
            SessionControlPolicy.Role when options.ControlRoleId is ulong role => $"members with the <@&{role}> role",
            _ => "members with Manage Server only",
        } + " (Manage Server always can, and so can someone alone with me)";
    }
}
