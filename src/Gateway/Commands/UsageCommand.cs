using System.Globalization;
using System.Text;
using Chorus.Discord.Interactions;
using Chorus.Grains.Sessions;
using Chorus.Grains.Usage;

namespace Chorus.Gateway.Commands;

/// <summary>/usage: what this server's conversations used today, this month and in the current conversation, with the estimated cost.</summary>
public sealed class UsageCommand : ISlashCommand
{
    private readonly IGrainFactory _grains;

    public UsageCommand(IGrainFactory grains)
    {
        _grains = grains;
    }

    public const string CommandName = "usage";

    public ApplicationCommand Definition { get; } = new()
    {
        Name = CommandName,
        Description = "Audio, tokens and estimated cost: today, this month and this conversation",
        Contexts = ApplicationCommand.GuildOnly,
        IntegrationTypes = ApplicationCommand.GuildOnly,
    };

    public bool DefersImmediately => false;

    public async Task<CommandReply> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var usage = _grains.GetGrain<IGuildUsageGrain>(context.GuildKey).GetAsync();
        var session = _grains.GetGrain<IVoiceSessionGrain>(context.GuildKey).GetAsync();
        return new CommandReply(Describe(await usage.ConfigureAwait(false), await session.ConfigureAwait(false)));
    }

    public static string Describe(GuildUsage usage, VoiceSessionSnapshot session)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(session);
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(invariant, $"**Today** ({usage.Day:yyyy-MM-dd} UTC): {Line(usage.Today)}");
        if (usage.DailyBudgetUsd is { } budget)
        {
            text.Append(invariant, $" of a ${budget:0.00} daily budget");
            if (usage.BudgetReached)
            {
                text.Append(" (spent: new conversations start again after midnight UTC)");
            }
        }

        text.Append(invariant, $"\n**This month** ({usage.Day:MMMM yyyy}): {Line(usage.Month)}");
        text.Append(session.State == VoiceSessionState.Idle
            ? "\n**This conversation**: none running"
            : $"\n**This conversation**: {Line(session.Current)}");
        text.Append("\nCosts are estimates from the bot's price table; Google's bill is what counts.");
        return text.ToString();
    }

    private static string Line(SessionUsage c) => string.Create(CultureInfo.InvariantCulture,
        $"{Minutes(c.AudioSecondsIn)} heard, {Minutes(c.AudioSecondsOut)} spoken; {c.TokensIn:N0} tokens in ({c.PromptAudioTokens:N0} audio), " +
        $"{c.TokensOut + c.ThoughtsTokens:N0} out ({c.ResponseAudioTokens:N0} audio); about ${c.EstimatedCostUsd:0.0000}");

    private static string Minutes(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min");
}
