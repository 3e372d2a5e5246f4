using Chorus.Discord.Interactions;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Commands;

/// <summary>/leave: ends the guild's session; the grain tells the gateway process that runs it, and this process leaves voice at once.</summary>
public sealed class LeaveCommand : ISlashCommand
{
    private readonly IGrainFactory _grains;
    private readonly IVoiceChannelJoiner _joiner;

    public LeaveCommand(IGrainFactory grains, IVoiceChannelJoiner joiner)
    {
        _grains = grains;
        _joiner = joiner;
    }

    public string Name => ChorusCommands.Leave;

    public bool DefersImmediately => false;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey);
        var before = await session.GetAsync().ConfigureAwait(false);
        var inVoice = context.Guild?.GetUserVoiceChannel(context.BotUserId) is not null;
        if (before.State == VoiceSessionState.Idle && !inVoice)
        {
            return new CommandReply("I am not in a voice channel in this server.");
        }

        await session.LeaveAsync($"/leave by {context.UserId}").ConfigureAwait(false);
        await _joiner.LeaveAsync(context.GuildId, cancellationToken).ConfigureAwait(false);
        return new CommandReply(before.ChannelId is ulong channel ? $"Left <#{channel}>." : "Left the voice channel.");
    }
}
