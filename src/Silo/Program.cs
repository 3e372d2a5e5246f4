using Chorus.Gateway.Hosting;
using Chorus.Silo.Hosting;

namespace Chorus.Silo;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [StartupCheck.HealthProbeFlag, ..])
        {
            return await HealthProbe.RunAsync(args);
        }

        var outcome = ChorusSiloApp.Build(args);
        if (outcome.App is null)
        {
            await Console.Error.WriteLineAsync(outcome.Error);
            return StartupCheck.ExitCode;
        }
        await using var app = outcome.App;
        // RunAsync disposes the host: what is read after it is resolved before.
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var discord = app.Services.GetService<DiscordStartup>();
        try
        {
            await app.RunAsync();
        }
        catch (Exception) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SIGTERM while still starting (Discord or the cluster not reached yet): a requested stop, not a failure.
            return 0;
        }
        catch (Exception e) when (StartupCheck.DescribeStartFailure(e) is { } line)
        {
            await Console.Error.WriteLineAsync(line);
            return StartupCheck.ExitCode;
        }
        return await DiscordOutcomeAsync(discord);
    }

    /// <summary>0, or the exit code and line of a Discord start that stopped the process.</summary>
    internal static async Task<int> DiscordOutcomeAsync(DiscordStartup? discord)
    {
        if (discord?.Failure is not { } failure)
        {
            return 0;
        }

        await Console.Error.WriteLineAsync(failure);
        return StartupCheck.ExitCode;
    }
}
