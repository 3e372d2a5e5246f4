using System.Net;
using Chorus.Gateway.Hosting;
using Chorus.Grains.Settings;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Dashboard;

namespace Chorus.Silo.Hosting;

/// <summary>Builds the silo process: all-in-one (silo + gateway, the default) or silo-only.</summary>
public static class ChorusSiloApp
{
    public sealed record BuildOutcome(WebApplication? App, string? Error, HostMode Mode);

    /// <summary>The grain defaults (section "Bot"), judged by the same rules as a guild's own settings.</summary>
    private static readonly StartupCheck.Rule[] SiloRules =
    [
        new("Bot:ModelId", HostedParts.Silo, "a model id such as gemini-3.8-live", v => GuildSettingsRules.CheckModel(v) is null),
        new("Bot:LanguageCode", HostedParts.Silo, "a BCP-47 language code such as en-US", v => GuildSettingsRules.CheckLanguage(v) is null),
        new("Bot:Persona", HostedParts.Silo, $"1 to {GuildSettingsRules.MaxPersonaLength} characters without control characters other than newlines and tabs",
            v => GuildSettingsRules.CheckPersona(v) is null),
    ];

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
        var mode = string.Equals(builder.Configuration["Chorus:Mode"], nameof(HostMode.Silo), StringComparison.OrdinalIgnoreCase)
            ? HostMode.Silo
            : HostMode.AllInOne;

        var parts = mode == HostMode.AllInOne ? HostedParts.AllInOne : HostedParts.Silo;
        if (StartupCheck.FindProblem(args, builder.Configuration, parts, SiloRules) is { } problem)
        {
            return new BuildOutcome(null, problem, mode);
        }

        if (mode == HostMode.AllInOne && ChorusConfiguration.MissingSecrets(builder.Configuration) is { Count: > 0 } missing)
        {
            return new BuildOutcome(null, ChorusConfiguration.DescribeMissing(missing), mode);
        }

        var dashboard = new ChorusDashboardOptions();
        builder.Configuration.GetSection(ChorusDashboardOptions.SectionName).Bind(dashboard);
        builder.WebHost.UseUrls(dashboard.ListenUrl);

        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration, dashboard.Enabled));
        if (mode == HostMode.AllInOne)
        {
            builder.Services.AddChorusGateway(builder.Configuration);
        }

        var health = builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");
        if (mode == HostMode.AllInOne)
        {
            health.AddCheck<DiscordReadinessCheck>("discord");
        }

        var stopDuringStart = new StopDuringStartLogFilter();
        stopDuringStart.AddTo(builder.Logging);
        customize?.Invoke(builder);
        var app = builder.Build();
        stopDuringStart.Watch(app.Lifetime);
        app.MapGet("/alive", () => Results.Text("alive"));
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = WriteHealthAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        if (dashboard.Enabled)
        {
            app.MapOrleansDashboard("/dashboard");
        }

        return new BuildOutcome(app, null, mode);
    }

    /// <summary>"Healthy", or "Not ready" and what each check still waits for, on one line.</summary>
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var waiting = report.Entries
            .Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => $"{e.Key}: {e.Value.Description}");
        var text = report.Status == HealthStatus.Healthy ? "Healthy" : string.Join("; ", waiting.Prepend("Not ready"));
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text);
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

        return new Uri($"http://{ChorusDashboardOptions.FormatHost(address)}:{dashboard.Port}/health");
    }
}
