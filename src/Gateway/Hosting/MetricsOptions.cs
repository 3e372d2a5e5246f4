using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// How a process exports its metrics (configuration section "Metrics"): a Prometheus scrape endpoint on the process's
/// health server, an OTLP exporter, or both; each off unless switched on. Every host reads it the same way
/// (<see cref="ChorusServiceDefaults"/>).
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public static SettingsSection Settings { get; } = new(SectionName, HostedParts.AllInOne)
    {
        { "Prometheus:Enabled", SettingRules.TrueOrFalse, SettingRules.IsBool },
        { "Prometheus:Path", "a path such as /metrics (a '/' then letters, digits, '-', '_' or '/')", IsPath },
        { "Otlp:Enabled", SettingRules.TrueOrFalse, SettingRules.IsBool },
        { "Otlp:Endpoint", "an http:// or https:// URL such as http://otel-collector:4317", v => SettingRules.IsUrl(v, "http", "https") },
        { "Otlp:Protocol", "grpc or http/protobuf", v => ParseProtocol(v) is not null },
        { "Otlp:ExportInterval", "a duration of at least 00:00:01 such as 00:00:15", v => SettingRules.IsDuration(v, TimeSpan.FromSeconds(1)) },
        { nameof(Runtime), SettingRules.TrueOrFalse, SettingRules.IsBool },
        { nameof(Process), SettingRules.TrueOrFalse, SettingRules.IsBool },
    };

    public PrometheusSettings Prometheus { get; set; } = new();

    public OtlpSettings Otlp { get; set; } = new();

    /// <summary>.NET runtime metrics (GC, thread pool, JIT) beside the bot's own, when anything is exported.</summary>
    public bool Runtime { get; set; } = true;

    /// <summary>Process metrics (CPU time, memory, threads) beside the bot's own, when anything is exported.</summary>
    public bool Process { get; set; } = true;

    /// <summary>Whether any exporter is on: without one no meter provider is built and recording costs nothing.</summary>
    public bool Exports => Prometheus.Enabled || Otlp.Enabled;

    /// <summary>The section's values as given, or the defaults; read before the container is built (checked by then).</summary>
    public static MetricsOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new MetricsOptions();
        try
        {
            configuration.GetSection(SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // The start-up check names the value that did not convert.
        }

        return options;
    }

    internal static OpenTelemetry.Exporter.OtlpExportProtocol? ParseProtocol(string value) => value.ToLowerInvariant() switch
    {
        "grpc" => OpenTelemetry.Exporter.OtlpExportProtocol.Grpc,
        "http/protobuf" or "httpprotobuf" => OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };

    private static bool IsPath(string value) =>
        value.Length > 1 && value[0] == '/' && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_');

    public sealed class PrometheusSettings
    {
        /// <summary>
        /// Serves the scrape endpoint on the health server (gateway: Health:BindAddress and Health:Port, loopback 8089 by
        /// default; silo and all-in-one: beside the dashboard). A Prometheus outside the machine needs that address opened.
        /// </summary>
        public bool Enabled { get; set; }

        public string Path { get; set; } = "/metrics";
    }

    public sealed class OtlpSettings
    {
        public bool Enabled { get; set; }

        /// <summary>The collector; unset: the exporter's own default (OTEL_EXPORTER_OTLP_ENDPOINT, or localhost:4317).</summary>
        public string? Endpoint { get; set; }

        public string Protocol { get; set; } = "grpc";

        public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(15);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Endpoint ?? "(default endpoint)"} {Protocol} every {ExportInterval}");
    }
}
