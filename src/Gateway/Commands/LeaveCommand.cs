using Chorus.Discord.Interactions;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Commands;

/// <summary>
/// /leave: ends the guild's session; the grain tells the gateway process that runs it, and this process leaves voice at
/// once. Who may stop the bot while others are talking with it follows the guild's <see cref="SessionControlRule"/>.
/// </summary>
public sealed class LeaveCommand : ISlashCommand
{
    private readonly IGrainFactory _grains;
    private readonly IVoiceChannelJoiner _joiner;

    public LeaveCommand(IGrainFactory grains, IVoiceChannelJoiner joiner)
    {
        _grains = grains;
        _joiner = joiner;
    }

    public const string CommandName = "leave";

    public ApplicationCommand Definition { get; } = new()
    {
        Name = CommandName,
        Description = "Leave the voice channel",
        Contexts = ApplicationCommand.GuildOnly,
        IntegrationTypes = ApplicationCommand.GuildOnly,
    };

    public bool DefersImmediately => false;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey);
        var before = await session.GetAsync().ConfigureAwait(false);
        var botChannel = context.Guild?.GetUserVoiceChannel(context.BotUserId);
        if (before.State == VoiceSessionState.Idle && botChannel is null)
        {
            return new CommandReply("I am not in a voice channel in this server.");
        }

        if ((SessionControlRule.LiveChannel(before) ?? botChannel) is ulong channelId)
        {
            var settings = await _grains.GetGrain<IGuildSettingsGrain>(context.GuildKey).GetAsync().ConfigureAwait(false);
            if (SessionControlRule.Refusal(settings.Options, SessionControlRequest.From(context, channelId), SessionControlAction.Stop) is { } refusal)
            {
                return new CommandReply(refusal);
            }
        }

        await session.LeaveAsync($"/leave by {context.UserId}").ConfigureAwait(false);
        await _joiner.LeaveAsync(context.GuildId, cancellationToken).ConfigureAwait(false);
        return new CommandReply(before.ChannelId is ulong channel ? $"Left <#{channel}>." : "Left the voice channel.");
    }
}
