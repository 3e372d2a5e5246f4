using Chorus.Gateway.Diagnostics;
using Chorus.Gateway.Hosting.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// What every Chorus host sets up the same way, whichever parts it hosts (silo, gateway, all-in-one): the health checks
/// every process has, logging (scopes, console format, redaction of secrets and personas), quiet health-probe logs, the bot's instruments and their export (section "Metrics": Prometheus
/// scrape endpoint and OTLP, each switched on by configuration, with .NET runtime and process metrics beside them).
/// </summary>
public static class ChorusServiceDefaults
{
    /// <summary>Meter names exported: the bot's own (Chorus.Discord, .Gemini, .Gateway, .Usage, ...) and Orleans'.</summary>
    public static IReadOnlyList<string> ExportedMeters { get; } = ["Chorus.*", "Microsoft.Orleans"];

    /// <param name="builder">The host being built.</param>
    /// <param name="parts">The parts it hosts: names the service in exported metrics (service.name).</param>
    public static IHostApplicationBuilder AddChorusServiceDefaults(this IHostApplicationBuilder builder, HostedParts parts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddChorusHealthChecks();
        builder.Logging.AddChorusLogging(builder.Configuration);
        builder.Logging.QuietHealthProbeLogs();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<ChorusMetrics>();
        builder.Services.AddSectionOptions<MetricsOptions>(builder.Configuration, MetricsOptions.Settings);

        // Read here rather than from the options: whether to build a meter provider at all is decided before the
        // container exists. The values were checked before the build (StartupCheck) or are checked on start.
        var metrics = MetricsOptions.From(builder.Configuration);
        if (!metrics.Exports || MetricsOptions.Settings.FindProblem(builder.Configuration, HostedParts.AllInOne) is not null)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName(parts)))
            .WithMetrics(meters =>
            {
                meters.AddMeter([.. ExportedMeters]);
                if (metrics.Runtime)
                {
                    meters.AddRuntimeInstrumentation();
                }

                if (metrics.Process)
                {
                    meters.AddProcessInstrumentation();
                }

                if (metrics.Prometheus.Enabled)
                {
                    meters.AddPrometheusExporter();
                }

                if (metrics.Otlp.Enabled)
                {
                    meters.AddOtlpExporter((exporter, reader) =>
                    {
                        if (metrics.Otlp.Endpoint is { Length: > 0 } endpoint)
                        {
                            exporter.Endpoint = new Uri(endpoint);
                        }

                        exporter.Protocol = MetricsOptions.ParseProtocol(metrics.Otlp.Protocol) ?? OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)metrics.Otlp.ExportInterval.TotalMilliseconds;
                    });
                }
            });
        return builder;
    }

    /// <summary>
    /// Maps what every web host serves: /alive and /health, and the Prometheus scrape endpoint when switched on. The
    /// gateway-only process serves the same from its own health server (<see cref="HealthServer"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapChorusDefaultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapChorusHealth();
        var metrics = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value;
        if (metrics.Prometheus.Enabled && endpoints.ServiceProvider.GetService<MeterProvider>() is { } meterProvider)
        {
            endpoints.MapPrometheusScrapingEndpoint(metrics.Prometheus.Path, meterProvider, null, null);
        }

        return endpoints;
    }

    /// <summary>
    /// Adds the scrape endpoint to a bare application (the gateway's health server) from the host's meter provider, when
    /// switched on; false when it is not.
    /// </summary>
    public static bool UseChorusScrapingEndpoint(this IApplicationBuilder app, IServiceProvider hostServices, MetricsOptions metrics)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(hostServices);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!metrics.Prometheus.Enabled || hostServices.GetService<MeterProvider>() is not { } meterProvider)
        {
            return false;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, null, metrics.Prometheus.Path, null, null);
        return true;
    }

    internal static string ServiceName(HostedParts parts) => parts switch
    {
        HostedParts.Silo => "chorus-silo",
        HostedParts.Gateway => "chorus-gateway",
        _ => "chorus",
    };
}
