using Chorus.Discord.Gateway;
using Chorus.Discord.Interactions;
using Chorus.Discord.Models;
using Chorus.Discord.Rest;
using Chorus.Gateway.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Commands;

/// <summary>
/// Routes INTERACTION_CREATE to the commands, off the Discord gateway's receive loop. Answers directly when the command is
/// quick, defers (ephemeral "thinking…") and edits the original response when it is not. Every interaction ends with an
/// answer: whatever throws on the way (the command, the guild cache, a grain call) is logged once and the user gets a
/// short "something went wrong" instead of Discord's "The application did not respond". Each interaction runs as a
/// tracked task; <see cref="DrainAsync"/> waits for them at shutdown.
/// </summary>
public sealed partial class InteractionDispatcher
{
    private const int MaxMessageLength = 2000;

    /// <summary>
    /// Every call that answers Discord is bounded by this, not by the shutdown: a shutdown that cancels an answer half sent
    /// would leave the user with "The application did not respond" and no way to tell what happened.
    /// </summary>
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    private readonly DiscordRestClient _rest;
    private readonly GuildStateCache _cache;
    private readonly Func<ulong?> _botUserId;
    private readonly Dictionary<string, ISlashCommand> _commands;
    private readonly CommandOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InteractionDispatcher> _logger;
    private readonly CommandRateLimiter? _rateLimiter;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _trackedLock = new();
    private readonly HashSet<Task> _tracked = [];
    private long _inFlight;

    public InteractionDispatcher(
        DiscordRestClient rest, GuildStateCache cache, Func<ulong?> botUserId, IEnumerable<ISlashCommand> commands,
        CommandOptions options, TimeProvider time, ILogger<InteractionDispatcher> logger, CommandRateLimiter? rateLimiter = null)
    {
        ArgumentNullException.ThrowIfNull(commands);
        _rateLimiter = rateLimiter;
        _rest = rest;
        _cache = cache;
        _botUserId = botUserId;
        _commands = commands.ToDictionary(c => c.Definition.Name, StringComparer.Ordinal);
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

    /// <summary>
    /// Waits for the interactions under way to be answered; when <paramref name="cancellationToken"/> fires first, cancels
    /// them (each still gets its short failure answer) and waits for that. Detach first so no new ones arrive.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_trackedLock)
        {
            pending = [.. _tracked];
        }

        try
        {
            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pending).WaitAsync(ReplyTimeout + ReplyTimeout, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void OnShardInteraction(GatewayClient shard, Interaction interaction) => OnInteraction(interaction);

    private void OnInteraction(Interaction interaction)
    {
        // HandleAsync never throws; the task is kept until it ends so shutdown can wait for it. Tracked before it is
        // started, so a drain that begins once the handler runs already sees it.
        var start = new Task<Task>(() => HandleAsync(interaction, _stopping.Token));
        var task = start.Unwrap();
        lock (_trackedLock)
        {
            _tracked.Add(task);
        }

        start.Start(TaskScheduler.Default);

        task.ContinueWith(
            (done, state) =>
            {
                var dispatcher = (InteractionDispatcher)state!;
                lock (dispatcher._trackedLock)
                {
                    dispatcher._tracked.Remove(done);
                }
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Handles one interaction to its end; never throws (a failure is logged once and answered if Discord can still be answered).</summary>
    public async Task HandleAsync(Interaction interaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        // Every line logged while the command runs (grain calls, a voice session it starts) names the guild, user and command.
        using var scope = LogScope.BeginInteraction(_logger, interaction.GuildId ?? 0, interaction.InvokerId ?? 0, interaction.Data?.Name ?? "?");
        Interlocked.Increment(ref _inFlight);
        var answer = new AnswerState();
        try
        {
            if (interaction.Type == Interaction.AutocompleteType)
            {
                await AutocompleteAsync(interaction, answer).ConfigureAwait(false);
            }
            else if (interaction.Type == Interaction.ApplicationCommandType && interaction.Data is { } data)
            {
                await RunCommandAsync(interaction, data.Name, answer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (answer.Sending)
        {
            // Our answer itself failed (an OperationCanceledException here is an HTTP timeout): nothing more can reach the user.
            LogReplyFailed(_logger, ex, interaction.GuildId ?? 0, interaction.Data?.Name ?? "?");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown cut the command short: not a fault of the command, but the user is still owed an answer.
            LogStoppedByShutdown(_logger, interaction.GuildId ?? 0, interaction.Data?.Name ?? "?");
            await AnswerFailureAsync(interaction, answer, "I am restarting and could not finish /{0}. Try again in a minute.").ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCommandFailed(_logger, ex, interaction.GuildId ?? 0, interaction.Data?.Name ?? "?");
            await AnswerFailureAsync(interaction, answer, "Something went wrong while running /{0}. It has been logged; try again in a moment.").ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AutocompleteAsync(Interaction interaction, AnswerState answer)
    {
        var context = new CommandContext(interaction, null, 0);
        var choices = _commands.GetValueOrDefault(interaction.Data?.Name ?? "") is IAutocompleteCommand command ? command.Suggest(context) : [];
        // Autocomplete has no error message: an empty list of suggestions is its failure answer.
        answer.Kind = AnswerKind.Autocomplete;
        answer.Sending = true;
        using var timeout = new CancellationTokenSource(ReplyTimeout, _time);
        await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Autocomplete(choices), timeout.Token).ConfigureAwait(false);
        answer.Kind = AnswerKind.Answered;
    }

    private async Task RunCommandAsync(Interaction interaction, string name, AnswerState answer, CancellationToken cancellationToken)
    {
        if (interaction.GuildId is not ulong guildId)
        {
            await ReplyAsync(interaction, new CommandReply("This command works in servers only."), answer).ConfigureAwait(false);
            return;
        }

        if (_rateLimiter?.TryAcquire(guildId, interaction.InvokerId ?? 0) is { } retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            LogRateLimited(_logger, guildId, interaction.InvokerId ?? 0, name, seconds);
            await ReplyAsync(
                interaction,
                new CommandReply(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"You are sending commands faster than I take them. Try /{name} again in {seconds} s.")),
                answer).ConfigureAwait(false);
            return;
        }

        if (!_commands.TryGetValue(name, out var command))
        {
            await ReplyAsync(interaction, new CommandReply($"I don't know the command /{name}."), answer).ConfigureAwait(false);
            return;
        }

        var context = new CommandContext(interaction, _cache.Get(guildId), _botUserId() ?? 0);
        var work = command.ExecuteAsync(context, cancellationToken);
        if (!command.DefersImmediately)
        {
            // The timer does not listen to the shutdown: a shutdown must surface as the command's cancellation (answered
            // "restarting"), never as a timer that wins the race and sends a deferral on a cancelled token.
            using var deferTimer = new CancellationTokenSource();
            var timer = Task.Delay(_options.DeferAfter, _time, deferTimer.Token);
            var first = await Task.WhenAny(work, timer).ConfigureAwait(false);
            await deferTimer.CancelAsync().ConfigureAwait(false);
            if (first == work)
            {
                await ReplyAsync(interaction, await work.ConfigureAwait(false), answer).ConfigureAwait(false);
                return;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();

        // Our replies are ephemeral; a deferred response fixes visibility at this point.
        answer.Sending = true;
        try
        {
            using var timeout = new CancellationTokenSource(ReplyTimeout, _time);
            await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Deferred(ephemeral: true), timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            // Nobody will await the command now; its own failure, if any, is not worth a second log line.
            _ = work.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        answer.Kind = AnswerKind.Deferred;
        answer.Sending = false;
        var reply = await work.ConfigureAwait(false);
        answer.Sending = true;
        using var editTimeout = new CancellationTokenSource(ReplyTimeout, _time);
        await _rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, new MessageBody { Content = Fit(reply.Content) }, editTimeout.Token).ConfigureAwait(false);
        answer.Kind = AnswerKind.Answered;
    }

    /// <summary>The one answer a failed interaction gets: a new reply, or the deferral's edit; bounded, and only logged if it fails too.</summary>
    private async Task AnswerFailureAsync(Interaction interaction, AnswerState answer, string format)
    {
        if (answer.Kind is AnswerKind.Answered or AnswerKind.Autocomplete
            || interaction.Type is not (Interaction.ApplicationCommandType or Interaction.AutocompleteType))
        {
            return;
        }

        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, interaction.Data?.Name);
        using var timeout = new CancellationTokenSource(ReplyTimeout, _time);
        try
        {
            if (interaction.Type == Interaction.AutocompleteType)
            {
                // Suggestions have no message: an empty list lets Discord's client stop waiting.
                await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Autocomplete([]), timeout.Token).ConfigureAwait(false);
            }
            else if (answer.Kind == AnswerKind.Deferred)
            {
                await _rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, new MessageBody { Content = text }, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message(text, ephemeral: true), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is DiscordRestException or HttpRequestException or OperationCanceledException)
        {
            LogReplyFailed(_logger, ex, interaction.GuildId ?? 0, interaction.Data?.Name ?? "?");
        }
    }

    private async Task ReplyAsync(Interaction interaction, CommandReply reply, AnswerState answer)
    {
        answer.Sending = true;
        using var timeout = new CancellationTokenSource(ReplyTimeout, _time);
        await _rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, InteractionResponse.Message(Fit(reply.Content), reply.Ephemeral), timeout.Token).ConfigureAwait(false);
        answer.Kind = AnswerKind.Answered;
    }

    private static string Fit(string content) =>
        content.Length <= MaxMessageLength ? content : string.Concat(content.AsSpan(0, MaxMessageLength - 1), "…");

    [LoggerMessage(311, LogLevel.Error, "Guild {GuildId}: /{Command} failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, ulong guildId, string command);

    [LoggerMessage(313, LogLevel.Information, "Guild {GuildId}: /{Command} was stopped by the shutdown")]
    private static partial void LogStoppedByShutdown(ILogger logger, ulong guildId, string command);

    [LoggerMessage(314, LogLevel.Information, "Guild {GuildId}: user {UserId} is over the command rate limit (/{Command}; next in {RetrySeconds} s)")]
    private static partial void LogRateLimited(ILogger logger, ulong guildId, ulong userId, string command, int retrySeconds);

    [LoggerMessage(312, LogLevel.Warning, "Guild {GuildId}: could not answer /{Command}")]
    private static partial void LogReplyFailed(ILogger logger, Exception exception, ulong guildId, string command);

    private enum AnswerKind
    {
        None,
        Deferred,
        Answered,
        Autocomplete,
    }

    /// <summary>How far one interaction's answer got, so a failure is answered in the one way Discord still accepts.</summary>
    private sealed class AnswerState
    {
        public AnswerKind Kind { get; set; }

        /// <summary>A call to Discord for this answer is under way: a failure now is the answer's, not the command's.</summary>
        public bool Sending { get; set; }
    }
}
