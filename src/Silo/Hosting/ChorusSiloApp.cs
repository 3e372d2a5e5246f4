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
        var mode = builder.Configuration.GetValue("Chorus:Mode", HostMode.AllInOne);

        if (mode == HostMode.AllInOne && ChorusConfiguration.MissingSecrets(builder.Configuration) is { Count: > 0 } missing)
        {
            return new BuildOutcome(null, ChorusConfiguration.DescribeMissing(missing), mode);
        }

        var dashboard = new ChorusDashboardOptions();
        builder.Configuration.GetSection(ChorusDashboardOptions.SectionName).Bind(dashboard);
        builder.WebHost.UseUrls($"http://{dashboard.BindAddress}:{dashboard.Port}");

        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration, dashboard.Enabled));
        if (mode == HostMode.AllInOne)
        {
            builder.Services.AddChorusGateway(builder.Configuration);
        }

        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");

        customize?.Invoke(builder);
        var app = builder.Build();
        app.MapGet("/alive", () => Results.Text("alive"));
        app.MapHealthChecks("/health");
        if (dashboard.Enabled)
        {
            app.MapOrleansDashboard("/dashboard");
        }

        return new BuildOutcome(app, null, mode);
    }
}
