using Chorus.Discord.Interactions;
using Chorus.Discord.Models;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Gateway.Commands;

/// <summary>
/// /join [channel]: the caller's voice channel by default; checks the bot's permissions before asking Discord. Moving
/// the bot out of a channel where others are talking with it follows the guild's <see cref="SessionControlRule"/>.
/// </summary>
public sealed class JoinCommand : ISlashCommand
{
    private readonly IGrainFactory _grains;
    private readonly IVoiceChannelJoiner _joiner;
    private readonly string _gatewayId;

    public JoinCommand(IGrainFactory grains, IVoiceChannelJoiner joiner, CommandOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _joiner = joiner;
        _gatewayId = options.GatewayId;
    }

    public const string CommandName = "join";

    public ApplicationCommand Definition { get; } = new()
    {
        Name = CommandName,
        Description = "Join a voice channel (yours by default) and start talking",
        Contexts = ApplicationCommand.GuildOnly,
        IntegrationTypes = ApplicationCommand.GuildOnly,
        Options =
        [
            new ApplicationCommandOption
            {
                Type = ApplicationCommandOption.ChannelType,
                Name = "channel",
                Description = "Voice channel to join",
                Required = false,
                ChannelTypes = [DiscordChannel.GuildVoice],
            },
        ],
    };

    public bool DefersImmediately => true;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Guild is not { } guild)
        {
            return new CommandReply("I have not received this server's details from Discord yet. Try again in a few seconds.");
        }

        var requested = context.GetSnowflake("channel");
        var channelId = requested ?? guild.GetUserVoiceChannel(context.UserId);
        if (channelId is not ulong id)
        {
            return new CommandReply("You are not in a voice channel. Join one first, or pick one: `/join channel:`.");
        }

        var channel = guild.GetChannel(id);
        if (channel is null || channel.Type != DiscordChannel.GuildVoice)
        {
            return new CommandReply($"<#{id}> is not a voice channel I can join (stage channels are not supported).");
        }

        var granted = PermissionCalculator.ForMember(guild, context.BotUserId, id);
        var missing = PermissionCalculator.MissingVoicePermissions(granted ?? Permissions.None);
        if (missing != Permissions.None)
        {
            var plural = missing is Permissions.ViewChannel or Permissions.Connect or Permissions.Speak ? "permission" : "permissions";
            return new CommandReply($"I can't join <#{id}>: I lack the {VoicePermissionText.Describe(missing)} {plural} there. Ask a server admin to grant it to my role or in the channel's settings.");
        }

        var session = _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey);
        if (SessionControlRule.LiveChannel(await session.GetAsync().ConfigureAwait(false)) is ulong current && current != id)
        {
            var settings = await _grains.GetGrain<IGuildSettingsGrain>(context.GuildKey).GetAsync().ConfigureAwait(false);
            if (SessionControlRule.Refusal(settings.Options, SessionControlRequest.From(context, current), SessionControlAction.Move) is { } refusal)
            {
                return new CommandReply(refusal);
            }
        }

        var plan = await session.JoinAsync(new JoinRequest(id, _gatewayId, context.UserId, context.Interaction.ChannelId)).ConfigureAwait(false);
        if (!plan.Accepted)
        {
            return new CommandReply(plan.Error ?? "Another instance of the bot is running the conversation in this server.");
        }

        if (plan.Outcome == JoinOutcome.AlreadyJoined)
        {
            return new CommandReply($"I am already in <#{id}>.");
        }

        var failure = await _joiner.JoinAsync(context.GuildId, id, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            await session.LeaveAsync("voice join failed").ConfigureAwait(false);
            return new CommandReply(failure);
        }

        return new CommandReply(plan.Outcome == JoinOutcome.Moved ? $"Moved to <#{id}>." : $"Joined <#{id}>. Talk to me!");
    }
}
