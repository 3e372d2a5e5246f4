using System.Globalization;
using System.Text;
using Chorus.Discord.Interactions;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Commands;

/// <summary>/status: session state, who is in the channel, latency figures, reconnects and tokens used.</summary>
public sealed class StatusCommand : ISlashCommand
{
    private readonly IGrainFactory _grains;

    public StatusCommand(IGrainFactory grains)
    {
        _grains = grains;
    }

    public const string CommandName = "status";

    public ApplicationCommand Definition { get; } = new()
    {
        Name = CommandName,
        Description = "Session state, speakers, latency and usage",
        Contexts = ApplicationCommand.GuildOnly,
        IntegrationTypes = ApplicationCommand.GuildOnly,
    };

    public bool DefersImmediately => false;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = await _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey).GetAsync().ConfigureAwait(false);
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"**Session**: {session.State}");
        if (session.ChannelId is ulong channel)
        {
            text.Append(invariant, $" in <#{channel}>");
            var present = context.Guild?.GetVoiceStates(channel) ?? [];
            var speakers = present.Where(s => s.UserId != context.BotUserId).Select(s => $"<@{s.UserId}>");
            var list = string.Join(", ", speakers);
            text.Append(invariant, $"\n**Speakers**: {(list.Length > 0 ? list : "nobody")}");
        }

        if (session.HasEnded)
        {
            // What ended the last session, so that a bot that left on its own can still be asked why.
            var ended = session.EndedAt!.Value.ToUnixTimeSeconds();
            text.Append(invariant, $"\n**Last session**: {Describe(session.EndReason)} <t:{ended}:R>");
            if (session.LastLeaveReason is { Length: > 0 } detail)
            {
                text.Append(invariant, $": {detail}");
            }
        }

        if (session.Latency is { } latency)
        {
            text.Append(invariant, $"\n**Latency**: uplink p50 {latency.UplinkP50Ms:0} ms / p99 {latency.UplinkP99Ms:0} ms, downlink p50 {latency.DownlinkP50Ms:0} ms / p99 {latency.DownlinkP99Ms:0} ms");
            if (latency.LastResponseMs is double response)
            {
                text.Append(invariant, $", last response {response:0} ms");
            }
        }

        var current = session.Current;
        text.Append(invariant, $"\n**Reconnects**: {current.Reconnects}");
        text.Append(invariant, $"\n**Tokens**: {current.TokensIn} in, {current.TokensOut} out (lifetime {session.Lifetime.TokensIn + session.Lifetime.TokensOut})");
        return new CommandReply(text.ToString());
    }

    private static string Describe(SessionEndReason? reason) => reason switch
    {
        SessionEndReason.GeminiFailed => "ended, Gemini failed",
        SessionEndReason.VoiceLost => "ended, voice connection lost",
        SessionEndReason.LeaseLost => "ended, lost by the cluster",
        SessionEndReason.TimeLimit => "ended at the time limit",
        SessionEndReason.Disconnected => "ended, the bot was disconnected",
        SessionEndReason.ChannelDeleted => "ended, the voice channel was deleted",
        SessionEndReason.GatewayStopped => "ended, the bot's gateway stopped",
        SessionEndReason.BudgetReached => "ended, the server's daily budget was spent",
        _ => "ended",
    };
}
