using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// The two health endpoints every Chorus process serves, answered the same way everywhere: <c>/alive</c> (liveness: the
/// process answers; only checks tagged <see cref="LiveTag"/>) and <c>/health</c> (readiness: every check). 200 with
/// "Healthy", or 503 with "Not ready; check: what it waits for; ..." on one line.
/// </summary>
public static class HealthEndpoints
{
    public const string LivenessPath = "/alive";
    public const string ReadinessPath = "/health";

    /// <summary>The tag of the checks /alive runs.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// The health checks every process has: "self" for liveness. The others (silo, storage, cluster, discord, voice)
    /// are added by the parts a process hosts.
    /// </summary>
    public static IHealthChecksBuilder AddChorusHealthChecks(this IServiceCollection services)
    {
        var builder = services.AddHealthChecks();
        if (!services.Any(d => d.ServiceType == typeof(SelfCheckMarker)))
        {
            services.AddSingleton<SelfCheckMarker>();
            builder.AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        }

        return builder;
    }

    /// <summary>
    /// The health service logs every check that is not healthy on every probe (a warning each 10 s from a container's
    /// check while Discord is still being reached); /health already says it. Unhealthy (an error) is still logged.
    /// </summary>
    public static ILoggingBuilder QuietHealthProbeLogs(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Error);

    /// <summary>Maps <see cref="LivenessPath"/> and <see cref="ReadinessPath"/> (GET and HEAD) on a web application.</summary>
    public static IEndpointRouteBuilder MapChorusHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var path in new[] { LivenessPath, ReadinessPath })
        {
            endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Head],
                HandleAsync);
        }

        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context) =>
        await TryHandleAsync(context, context.RequestServices.GetRequiredService<HealthCheckService>()).ConfigureAwait(false);

    /// <summary>Answers <see cref="LivenessPath"/> and <see cref="ReadinessPath"/>; false for any other path.</summary>
    public static async Task<bool> TryHandleAsync(HttpContext context, HealthCheckService checks)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(checks);
        Func<HealthCheckRegistration, bool>? predicate = context.Request.Path.Value switch
        {
            LivenessPath => r => r.Tags.Contains(LiveTag),
            ReadinessPath => _ => true,
            _ => null,
        };
        if (predicate is null || !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return false;
        }

        var report = await checks.CheckHealthAsync(predicate, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(Describe(report), context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    /// <summary>"Healthy", or "Not ready" and what each check that is not healthy waits for, on one line.</summary>
    public static string Describe(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Status == HealthStatus.Healthy)
        {
            return "Healthy";
        }

        var waiting = report.Entries
            .Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}".ReplaceLineEndings(" "));
        return string.Join("; ", waiting.Prepend("Not ready"));
    }

    public static string FormatHost(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    /// <summary>Marks that "self" is registered, so a host that adds its checks from two places gets it once.</summary>
    private sealed class SelfCheckMarker;
}
