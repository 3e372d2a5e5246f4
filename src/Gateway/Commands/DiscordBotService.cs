using Chorus.Discord.Gateway;
using Chorus.Discord.Rest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Commands;

/// <summary>
/// Brings the bot online: wires commands and auto-leave to the shards (until it stops), starts them (a fatal close such as a bad token
/// fails the host start with <see cref="GatewayFatalException"/>), then registers the slash commands: the definitions of the
/// command handlers in the container. Stopping lets the interactions under way be answered before the shards close.
/// </summary>
public sealed class DiscordBotService : IHostedService
{
    private readonly ShardSet _shards;
    private readonly DiscordRestClient _rest;
    private readonly InteractionDispatcher _dispatcher;
    private readonly EmptyChannelWatcher _watcher;
    private readonly IReadOnlyList<ISlashCommand> _commands;
    private readonly DiscordOptions _options;
    private readonly Sharding.ShardOwnership? _ownership;

    /// <param name="shards">The shards of this process.</param>
    /// <param name="rest">Registers the commands.</param>
    /// <param name="dispatcher">Answers interactions.</param>
    /// <param name="watcher">Auto-leave.</param>
    /// <param name="commands">The command handlers.</param>
    /// <param name="options">Discord settings.</param>
    /// <param name="ownership">
    /// Decides in the cluster which shards this process runs (its SHARD_IDS that nobody else holds); without it (one
    /// process, tests) it runs all of its SHARD_IDS.
    /// </param>
    public DiscordBotService(
        ShardSet shards, DiscordRestClient rest, InteractionDispatcher dispatcher, EmptyChannelWatcher watcher, IEnumerable<ISlashCommand> commands,
        IOptions<DiscordOptions> options, Sharding.ShardOwnership? ownership = null)
    {
        _ownership = ownership;
        ArgumentNullException.ThrowIfNull(options);
        _commands = [.. commands];
        _shards = shards;
        _rest = rest;
        _dispatcher = dispatcher;
        _watcher = watcher;
        _options = options.Value;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _dispatcher.Attach(_shards);
        _watcher.Attach(_shards);
        if (_ownership is null)
        {
            await _shards.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _shards.StartAsync(await _ownership.ClaimAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (_shards.OwnedShardCount == 0)
            {
                // Every shard of this process is held by another: the commands are registered by whoever runs shards.
                return;
            }
        }

        var applicationId = _shards.ApplicationId ?? throw new InvalidOperationException("READY carried no application id.");
        await CommandRegistrar.RegisterAsync(_rest, applicationId, _options.DevelopmentGuildId, _commands, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _dispatcher.Detach(_shards);
        await _dispatcher.DrainAsync(cancellationToken).ConfigureAwait(false);
        await _shards.StopAsync().ConfigureAwait(false);
        if (_ownership is not null)
        {
            await _ownership.ReleaseAllAsync().ConfigureAwait(false);
        }

        _watcher.Detach(_shards);
    }
}
