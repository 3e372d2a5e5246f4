using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// The gateway-only process's /alive and /health: a small Kestrel server of its own, started as the host's first hosted
/// service so that it answers while the Orleans client is still looking for a silo and Discord is still being reached
/// (the host starts its other services one after another, and the cluster client's start lasts until a silo answers).
/// </summary>
public sealed class HealthServer(
    IOptions<HealthOptions> options, HealthCheckService checks, IHostApplicationLifetime lifetime, ILogger<HealthServer> logger,
    IServiceProvider services)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>
    /// The one line to print and exit with code 2 when the endpoint could not listen (a port in use: a second gateway on
    /// the same machine), or null. The process is stopped instead of failing its start, which the host would log with a
    /// stack trace.
    /// </summary>
    public string? Failure { get; private set; }

    /// <summary>Where /health answers once started (the port actually taken when Health:Port is 0), or null.</summary>
    public Uri? ReadinessUrl { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // An empty builder: no configuration sources, logging or URLs of its own to pick up from the environment.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(settings.Address, settings.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        // The scrape endpoint (Metrics:Prometheus) answers here too, from the host's meter provider.
        var metrics = services.GetService<IOptions<MetricsOptions>>()?.Value;
        var scraped = metrics is not null && app.UseChorusScrapingEndpoint(services, metrics);
        app.Run(async context =>
        {
            if (!await HealthEndpoints.TryHandleAsync(context, checks).ConfigureAwait(false))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            Failure = StartupCheck.Prefix + SettingsSection.Describe(
                "Health:BindAddress and Health:Port", $"{settings.BindAddress}:{settings.Port}",
                $"an address and port this process can listen on ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')}); "
                + "another process may hold it: give each gateway on a machine its own Health:Port");
            lifetime.StopApplication();
            return;
        }

        _app = app;
        var port = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a).Port).FirstOrDefault() ?? settings.Port;
        ReadinessUrl = settings.ProbeUrl(port);
        logger.LogInformation("Health: {Liveness} (liveness) and {Readiness} (readiness)",
            new Uri(ReadinessUrl, HealthEndpoints.LivenessPath), ReadinessUrl);
        if (scraped)
        {
            logger.LogInformation("Metrics: {ScrapeUrl} (Prometheus)", new Uri(ReadinessUrl, metrics!.Prometheus.Path));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Registration of the gateway-only process's health endpoint.</summary>
public static class HealthServerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HealthServer"/> as the first hosted service, whatever was registered before, so that it starts
    /// before the Orleans client and Discord.
    /// </summary>
    public static IServiceCollection AddChorusHealthServer(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddSectionOptions<HealthOptions>(configuration, HealthOptions.Settings);
        services.AddChorusHealthChecks();
        services.AddSingleton<HealthServer>();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<HealthServer>()));
        return services;
    }
}
