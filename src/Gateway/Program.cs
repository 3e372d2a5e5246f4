using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway;

/// <summary>A gateway-only process: an Orleans client that joins a cluster of silos started elsewhere.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddChorusVariables(Directory.GetCurrentDirectory());
        builder.Configuration.AddCommandLine(args);
        // Orleans' own start-up chatter is noise at Information; our categories stay at Information.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        var missing = ChorusConfiguration.MissingSecrets(builder.Configuration);
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync(ChorusConfiguration.DescribeMissing(missing));
            return 2;
        }

        builder.UseOrleansClient(client =>
        {
            if (string.IsNullOrEmpty(builder.Configuration["Orleans:Clustering:ProviderType"]))
            {
                client.UseLocalhostClustering();
            }
        });
        builder.Services.AddChorusGateway(builder.Configuration);
        await builder.Build().RunAsync();
        return 0;
    }
}
