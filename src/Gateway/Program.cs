using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway;

/// <summary>A gateway-only process: an Orleans client that joins a cluster of silos started elsewhere.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [StartupCheck.HealthProbeFlag, ..])
        {
            return await HealthProbe.RunAsync(args, HealthUrl);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddChorusVariables(Directory.GetCurrentDirectory());
        builder.Configuration.AddCommandLine(args);
        builder.Configuration.AddClusterIdentityDefaults();
        // Orleans' own start-up chatter is noise at Information; our categories stay at Information.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        // While no silo answers, ClusterConnectionRetry says so in one line; Orleans' per-attempt warnings repeat it.
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Error);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error);
        var stopDuringStart = new StopDuringStartLogFilter();
        stopDuringStart.AddTo(builder.Logging);
        if (StartupCheck.FindProblem(args, builder.Configuration, HostedParts.Gateway, StartupCheck.GatewaySections) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return StartupCheck.ExitCode;
        }

        var missing = ChorusConfiguration.MissingSecrets(builder.Configuration);
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync(ChorusConfiguration.DescribeMissing(missing));
            return StartupCheck.ExitCode;
        }

        builder.AddChorusServiceDefaults(HostedParts.Gateway);
        // First, so that /alive and /health answer while the cluster and Discord are still being reached.
        builder.Services.AddChorusHealthServer(builder.Configuration);
        var cluster = new ClusterConnectionHealth(builder.Configuration);
        builder.Services.AddSingleton(cluster);
        builder.UseOrleansClient(client =>
        {
            if (string.IsNullOrEmpty(builder.Configuration["Orleans:Clustering:ProviderType"]))
            {
                client.UseLocalhostClustering(
                    builder.Configuration.GetValue("Chorus:GatewayPort", 30000),
                    builder.Configuration["Orleans:ServiceId"] ?? ChorusConfiguration.DefaultClusterIdentity,
                    builder.Configuration["Orleans:ClusterId"] ?? ChorusConfiguration.DefaultClusterIdentity);
            }
            client.UseConnectionRetryFilter<ClusterConnectionRetry>();
            client.AddClusterConnectionStatusObserver(cluster);
        });
        builder.Services.AddChorusGateway(builder.Configuration);
        var host = builder.Build();
        stopDuringStart.Watch(host.Services.GetRequiredService<IHostApplicationLifetime>());
        return await HostExit.RunAsync(host, host.Services.GetRequiredService<DiscordStartup>());
    }

    /// <summary>Where this process's /health answers, for the probe (Health:BindAddress, Health:Port).</summary>
    private static Uri HealthUrl(IConfiguration configuration)
    {
        var health = new HealthOptions();
        configuration.GetSection(HealthOptions.SectionName).Bind(health);
        return health.ProbeUrl();
    }
}
