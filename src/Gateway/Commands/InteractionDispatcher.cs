using Chorus.Discord.Gateway;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;
using Chorus.Discord.Rest;
using Chorus.Grains.Settings;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Commands;

/// <summary>
/// Routes INTERACTION_CREATE to the commands, off the Discord gateway's receive loop. Answers directly when the command is
/// quick, defers (ephemeral "thinking…") and edits the original response when it is not, and turns any failure
/// into a short message instead of a silent "interaction failed".
/// </summary>
public sealed partial class InteractionDispatcher
{
    private const int MaxMessageLength = 2000;
    private readonly DiscordRestClient _rest;
    private readonly GuildStateCache _cache;
    private readonly Func<ulong?> _botUserId;
    private readonly Dictionary<string, ISlashCommand> _commands;
    private readonly CommandOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InteractionDispatcher> _logger;
    private const int MaxAutocompleteChoices = 25;
    private long _inFlight;

    public InteractionDispatcher(
        DiscordRestClient rest, GuildStateCache cache, Func<ulong?> botUserId, IEnumerable<ISlashCommand> commands,
        CommandOptions options, TimeProvider time, ILogger<InteractionDispatcher> logger)
    {
        _rest = rest;
        _cache = cache;
        _botUserId = botUserId;
        _commands = commands.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options;
        _time = time;
        _logger = logger;
    }

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Subscribes to a shard until <see cref="Detach(GatewayClient)"/>; each interaction is handled on the thread pool.</summary>
    public void Attach(GatewayClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.InteractionCreated += OnInteraction;
    }

    public void Detach(GatewayClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.InteractionCreated -= OnInteraction;
    }

    /// <summary>Subscribes to every shard until <see cref="Detach(ShardSet)"/>.</summary>
    public void Attach(ShardSet shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        shards.InteractionCreated += OnShardInteraction;
    }

    public void Detach(ShardSet shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        shards.InteractionCreated -= OnShardInteraction;
    }

    private void OnShardInteraction(GatewayClient shard, Interaction interaction) => OnInteraction(interaction);

    private void OnInteraction(Interaction interaction) => _ = Task.Run(() => HandleAsync(interaction));

    public async Task HandleAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        Interlocked.Increment(ref _inFlight);
        try
        {
            if (interaction.Type == Interaction.AutocompleteType)
            {
                await AutocompleteAsync(interaction, cancellationToken).ConfigureAwait(false);
            }
            else if (interaction.Type == Interaction.ApplicationCommandType && interaction.Data is { } data)
            {
                await RunCommandAsync(interaction, data.Name, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DiscordRestException ex)
        {
            LogReplyFailed(_logger, ex, interaction.GuildId ?? 0, interaction.Data?.Name ?? "?");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // OperationCanceledException here is an HTTP timeout: the interaction window is gone either way.
            LogReplyFailed(_logger, ex, interaction.GuildId ?? 0, interaction.Data?.Name ?? "?");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AutocompleteAsync(Interaction interaction, CancellationToken cancellationToken)
    {
        var context = new CommandContext(interaction, null, 0);
        var choices =
            interaction.Data?.Name == ChorusCommands.Persona && context.Subcommand == ChorusCommands.PersonaVoice
                ? VoiceChoices(context.Focused?.Value?.ValueKind == System.Text.Json.JsonValueKind.String ? context.Focused.Value.Value.GetString() : null)
                : [];
        await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Autocomplete(choices), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Autocomplete answer for /persona voice: the catalogue's matches, as many as Discord shows (25).</summary>
    private static IReadOnlyList<ApplicationCommandOptionChoice> VoiceChoices(string? typed) =>
        [.. PrebuiltVoices.Matching(typed, MaxAutocompleteChoices).Select(v => new ApplicationCommandOptionChoice(v, v))];

    private async Task RunCommandAsync(Interaction interaction, string name, CancellationToken cancellationToken)
    {
        if (interaction.GuildId is not ulong guildId)
        {
            await ReplyAsync(interaction, new CommandReply("This command works in servers only."), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_commands.TryGetValue(name, out var command))
        {
            await ReplyAsync(interaction, new CommandReply($"I don't know the command /{name}."), cancellationToken).ConfigureAwait(false);
            return;
        }

        var context = new CommandContext(interaction, _cache.Get(guildId), _botUserId() ?? 0);
        var work = RunSafelyAsync(command, context, cancellationToken);
        if (!command.DefersImmediately)
        {
            var timer = Task.Delay(_options.DeferAfter, _time, cancellationToken);
            if (await Task.WhenAny(work, timer).ConfigureAwait(false) == work)
            {
                await ReplyAsync(interaction, await work.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        // Our replies are ephemeral; a deferred response fixes visibility at this point.
        await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Deferred(ephemeral: true), cancellationToken).ConfigureAwait(false);
        var reply = await work.ConfigureAwait(false);
        await _rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, new MessageBody { Content = Fit(reply.Content) }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CommandReply> RunSafelyAsync(ISlashCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCommandFailed(_logger, ex, context.GuildId, command.Name);
            return new CommandReply($"Something went wrong while running /{command.Name}. It has been logged; try again in a moment.");
        }
    }

    private Task ReplyAsync(Interaction interaction, CommandReply reply, CancellationToken cancellationToken) =>
        _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message(Fit(reply.Content), reply.Ephemeral), cancellationToken);

    private static string Fit(string content) =>
        content.Length <= MaxMessageLength ? content : string.Concat(content.AsSpan(0, MaxMessageLength - 1), "…");

    [LoggerMessage(311, LogLevel.Error, "Guild {GuildId}: /{Command} failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, ulong guildId, string command);

    [LoggerMessage(312, LogLevel.Warning, "Guild {GuildId}: could not answer /{Command}")]
    private static partial void LogReplyFailed(ILogger logger, Exception exception, ulong guildId, string command);
}
