using Chorus.Gateway.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// Brings the bot online in the background, so the host, its health endpoints and the cluster are up while Discord
/// is still being reached (an orchestrator sees a live process that is not ready yet, rather than a dead one).
/// A start the operator can fix (a refused token) stops the process with its one line in <see cref="Failure"/>.
/// </summary>
public sealed class DiscordStartup(DiscordBotService bot, IHostApplicationLifetime lifetime, ILogger<DiscordStartup> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _start = Task.CompletedTask;
    private volatile bool _ready;

    /// <summary>What readiness still waits for, or null once the bot is online.</summary>
    public string? WaitingFor => _ready ? null : Failure ?? "Discord: connecting to the gateway and registering the slash commands";

    /// <summary>The one line to print and exit with code 2 when the start failed for a reason the operator can fix.</summary>
    public string? Failure { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _start = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _start.ConfigureAwait(false);
        await bot.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await bot.StartAsync(cancellationToken).ConfigureAwait(false);
            _ready = true;
            logger.LogInformation("Discord: online");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before Discord answered: nothing failed.
        }
        catch (Exception e) when (StartupCheck.DescribeStartFailure(e) is { } line)
        {
            Failure = line;
            lifetime.StopApplication();
        }
        catch (Exception e)
        {
            Failure = "Chorus stopped: Discord could not be brought online (" + e.GetType().Name + "); see the error logged above.";
            logger.LogError(e, "Discord could not be brought online");
            lifetime.StopApplication();
        }
    }
}
