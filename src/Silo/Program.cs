using Chorus.Gateway.Hosting;
using Chorus.Silo.Hosting;

namespace Chorus.Silo;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [StartupCheck.HealthProbeFlag, ..])
        {
            return await HealthProbe.RunAsync(args, ChorusSiloApp.HealthUrl);
        }

        var outcome = ChorusSiloApp.Build(args);
        if (outcome.App is null)
        {
            await Console.Error.WriteLineAsync(outcome.Error);
            return StartupCheck.ExitCode;
        }
        await using var app = outcome.App;
        return await HostExit.RunAsync(app, app.Services.GetService<DiscordStartup>());
    }
}
