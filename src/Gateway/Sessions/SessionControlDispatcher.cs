using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// Hands what the grains pushed to this gateway process (<see cref="SessionLeaseKeeper.Messages"/>) to the handler that
/// acts on it, one message at a time. It sits between the two so that the runner can use the lease keeper while the
/// keeper knows nothing of the runner: the dependencies point one way.
/// </summary>
public sealed partial class SessionControlDispatcher : BackgroundService
{
    private readonly SessionLeaseKeeper _leases;
    private readonly ISessionControlHandler _handler;
    private readonly ILogger<SessionControlDispatcher> _logger;

    public SessionControlDispatcher(SessionLeaseKeeper leases, ISessionControlHandler handler, ILogger<SessionControlDispatcher> logger)
    {
        _leases = leases;
        _handler = handler;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _leases.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await HandleAsync(message, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(SessionControlMessage message, CancellationToken stoppingToken)
    {
        try
        {
            switch (message)
            {
                case SessionControlMessage.Leave leave:
                    _leases.Untrack(leave.GuildId);
                    await _handler.LeaveRequestedAsync(leave.GuildId, leave.Reason, stoppingToken).ConfigureAwait(false);
                    break;
                case SessionControlMessage.Settings settings:
                    await _handler.SettingsChangedAsync(settings.GuildId, settings.Value, stoppingToken).ConfigureAwait(false);
                    break;
                case SessionControlMessage.LeaseLost lost:
                    await _handler.LeaseLostAsync(lost.GuildId, lost.Reason, stoppingToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The process is stopping while a push is acted on: a leave whose last step (telling Discord) was cut
            // short is still a leave, and the process's own shutdown ends every session that remains.
            LogCutShort(_logger, message.GuildId, message.Kind);
        }
#pragma warning disable CA1031 // One guild's failure must not stop the pushes for the others.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(_logger, ex, message.GuildId, message.Kind);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Guild {GuildId}: {Message} cut short by the process stopping")]
    private static partial void LogCutShort(ILogger logger, long guildId, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Guild {GuildId}: handling {Message} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, long guildId, string message);
}
