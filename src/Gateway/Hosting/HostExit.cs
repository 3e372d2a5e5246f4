using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chorus.Gateway.Hosting;

/// <summary>How every host's process ends: one place turns the ways a run can end into an exit code.</summary>
public static class HostExit
{
    /// <summary>
    /// Runs the host until it stops. 0 for a requested stop (SIGTERM too, even while the cluster or Discord is still
    /// being reached); <see cref="StartupCheck.ExitCode"/> with one line on standard error for a mistake found while
    /// starting or a Discord start that ended the process (a refused token).
    /// </summary>
    public static async Task<int> RunAsync(IHost host, DiscordStartup? discord)
    {
        // RunAsync disposes the host: what is read after it is resolved before.
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var health = host.Services.GetService<HealthServer>();
        try
        {
            await host.RunAsync().ConfigureAwait(false);
        }
        catch (Exception) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            if (health?.Failure is { } refused)
            {
                await Console.Error.WriteLineAsync(refused).ConfigureAwait(false);
                return StartupCheck.ExitCode;
            }

            return 0;
        }
        catch (Exception e) when (StartupCheck.DescribeStartFailure(e) is { } line)
        {
            await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
            return StartupCheck.ExitCode;
        }

        if ((health?.Failure ?? discord?.Failure) is { } failure)
        {
            await Console.Error.WriteLineAsync(failure).ConfigureAwait(false);
            return StartupCheck.ExitCode;
        }

        return 0;
    }
}
