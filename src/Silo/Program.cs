using Chorus.Silo.Hosting;

namespace Chorus.Silo;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var outcome = ChorusSiloApp.Build(args);
        if (outcome.App is null)
        {
            await Console.Error.WriteLineAsync(outcome.Error);
            return 2;
        }
        await using var app = outcome.App;
        await app.RunAsync();
        return 0;
    }
}
