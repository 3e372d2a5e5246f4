using System.Net;
using Chorus.Gateway.Hosting;
using Orleans.Dashboard;

namespace Chorus.Silo.Hosting;

/// <summary>Builds the silo process: all-in-one (silo + gateway, the default) or silo-only.</summary>
public static class ChorusSiloApp
{
    public sealed record BuildOutcome(WebApplication? App, string? Error, HostMode Mode);

    /// <param name="args">Command-line arguments (configuration overrides such as <c>--Dashboard:Port=0</c>).</param>
    /// <param name="environment">The variables to read instead of the process environment (tests).</param>
    /// <param name="customize">Last-minute changes to the builder (tests: logging capture, ports).</param>
    public static BuildOutcome Build(
        string[] args, IDictionary<string, string?>? environment = null, Action<WebApplicationBuilder>? customize = null)
    {
        // appsettings.json ships beside the binaries; .env and relative data paths belong to the
        // directory the operator runs the bot from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddChorusVariables(Directory.GetCurrentDirectory(), environment);
        builder.Configuration.AddCommandLine(args);
        builder.Configuration.AddClusterIdentityDefaults();
        var mode = string.Equals(builder.Configuration["Chorus:Mode"], ChorusHostOptions.SiloOnly, StringComparison.OrdinalIgnoreCase)
            ? HostMode.Silo
            : HostMode.AllInOne;

        var parts = mode == HostMode.AllInOne ? HostedParts.AllInOne : HostedParts.Silo;
        if (StartupCheck.FindProblem(args, builder.Configuration, parts, SiloConfiguration.Sections) is { } problem)
        {
            return new BuildOutcome(null, problem, mode);
        }

        if (mode == HostMode.AllInOne && ChorusConfiguration.MissingSecrets(builder.Configuration) is { Count: > 0 } missing)
        {
            return new BuildOutcome(null, ChorusConfiguration.DescribeMissing(missing), mode);
        }

        var dashboard = new ChorusDashboardOptions();
        builder.Configuration.GetSection(ChorusDashboardOptions.SectionName).Bind(dashboard);
        builder.Services.AddSectionOptions<ChorusDashboardOptions>(builder.Configuration, ChorusDashboardOptions.Settings);
        builder.WebHost.UseUrls(dashboard.ListenUrl);

        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration, dashboard.Enabled));
        if (mode == HostMode.AllInOne)
        {
            builder.Services.AddChorusGateway(builder.Configuration);
        }

        builder.AddChorusServiceDefaults(parts);
        // The gateway's checks (cluster, discord, voice) come with AddChorusGateway in the all-in-one process.
        builder.Services.AddChorusHealthChecks()
            .AddCheck<SiloHealthCheck>("silo")
            .AddCheck<GrainStorageHealthCheck>("storage");

        var stopDuringStart = new StopDuringStartLogFilter();
        stopDuringStart.AddTo(builder.Logging);
        customize?.Invoke(builder);
        var app = builder.Build();
        stopDuringStart.Watch(app.Lifetime);
        app.MapChorusDefaultEndpoints();
        if (dashboard.Enabled)
        {
            app.MapOrleansDashboard("/dashboard");
        }

        return new BuildOutcome(app, null, mode);
    }

    /// <summary>Where the health endpoints answer for a probe run on the same machine.</summary>
    public static Uri HealthUrl(IConfiguration configuration)
    {
        var dashboard = new ChorusDashboardOptions();
        configuration.GetSection(ChorusDashboardOptions.SectionName).Bind(dashboard);
        if (!IPAddress.TryParse(dashboard.BindAddress, out var address) || address.Equals(IPAddress.Any))
        {
            address = IPAddress.Loopback;
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.IPv6Loopback;
        }

        return new Uri($"http://{HealthEndpoints.FormatHost(address)}:{dashboard.Port}{HealthEndpoints.ReadinessPath}");
    }
}
