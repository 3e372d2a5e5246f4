using Chorus.Gateway.Diagnostics;
using Chorus.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Chorus.Gateway.Tests.Hosting;

public sealed class MetricsOptionsTests
{
    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "--Metrics:Prometheus:Enabled=sometimes", "Metrics:Prometheus:Enabled = 'sometimes'", "true or false" },
        { "--Metrics:Prometheus:Path=metrics", "Metrics:Prometheus:Path = 'metrics'", "a path such as /metrics" },
        { "--Metrics:Otlp:Enabled=yes", "Metrics:Otlp:Enabled = 'yes'", "true or false" },
        { "--Metrics:Otlp:Endpoint=collector:4317", "Metrics:Otlp:Endpoint = 'collector:4317'", "http:// or https:// URL" },
        { "--Metrics:Otlp:Protocol=udp", "Metrics:Otlp:Protocol = 'udp'", "grpc or http/protobuf" },
        { "--Metrics:Otlp:ExportInterval=00:00:00.1", "Metrics:Otlp:ExportInterval = '00:00:00.1'", "at least 00:00:01" },
        { "--Metrics:Runtime=on", "Metrics:Runtime = 'on'", "true or false" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_one_line_naming_the_setting_the_value_and_what_is_allowed(string argument, string named, string allowed)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine([argument]).Build();

        var problem = StartupCheck.FindProblem([argument], configuration, HostedParts.Gateway, StartupCheck.GatewaySections);

        Assert.NotNull(problem);
        Assert.Contains(named, problem, StringComparison.Ordinal);
        Assert.Contains(allowed, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void An_unknown_metrics_setting_is_refused_and_valid_ones_pass()
    {
        string[] valid =
        [
            "--Metrics:Prometheus:Enabled=true", "--Metrics:Prometheus:Path=/scrape/chorus", "--Metrics:Otlp:Enabled=true",
            "--Metrics:Otlp:Endpoint=http://otel-collector:4318", "--Metrics:Otlp:Protocol=http/protobuf",
            "--Metrics:Otlp:ExportInterval=00:00:05", "--Metrics:Runtime=false", "--Metrics:Process=true",
        ];
        var good = new ConfigurationBuilder().AddCommandLine(valid).Build();
        var unknown = new ConfigurationBuilder().AddCommandLine(["--Metrics:Prometeus:Enabled=true"]).Build();

        Assert.Null(StartupCheck.FindProblem(valid, good, HostedParts.Gateway, StartupCheck.GatewaySections));
        Assert.NotNull(StartupCheck.FindProblem(["--Metrics:Prometeus:Enabled=true"], unknown, HostedParts.Gateway, StartupCheck.GatewaySections));
    }

    [Fact]
    public void A_host_built_without_the_check_fails_its_start_with_the_same_line()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddCommandLine(["--Metrics:Otlp:Protocol=udp"]);
        builder.AddChorusServiceDefaults(HostedParts.Gateway);
        using var host = builder.Build();

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<MetricsOptions>>().Value);

        Assert.Contains("Metrics:Otlp:Protocol = 'udp' is not valid; expected grpc or http/protobuf.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_exported_unless_switched_on_and_each_exporter_is_switched_on_alone()
    {
        static bool Exports(params string[] args)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddCommandLine(args);
            builder.AddChorusServiceDefaults(HostedParts.Gateway);
            using var host = builder.Build();
            return host.Services.GetService<MeterProvider>() is not null;
        }

        Assert.False(Exports());
        Assert.False(Exports("--Metrics:Prometheus:Enabled=false", "--Metrics:Otlp:Enabled=false"));
        Assert.True(Exports("--Metrics:Prometheus:Enabled=true"));
        Assert.True(Exports("--Metrics:Otlp:Enabled=true", "--Metrics:Otlp:Endpoint=http://127.0.0.1:4317"));
    }

    [Fact]
    public async Task The_gateway_health_server_serves_the_scrape_endpoint_beside_health_when_switched_on()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddCommandLine(["--Health:Port=0", "--Metrics:Prometheus:Enabled=true", "--Metrics:Prometheus:Path=/scrape"]);
        builder.AddChorusServiceDefaults(HostedParts.Gateway);
        builder.Services.AddChorusHealthServer(builder.Configuration);
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        try
        {
            var health = host.Services.GetRequiredService<HealthServer>().ReadinessUrl!;
            host.Services.GetRequiredService<ChorusMetrics>().Gateway.Meter.CreateCounter<long>("chorus.test.probe").Add(3);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

            var scrape = await http.GetStringAsync(new Uri(health, "/scrape"), timeout.Token);
            using var missing = await http.GetAsync(new Uri(health, "/metrics"), timeout.Token);

            Assert.Equal("127.0.0.1", health.Host);
            Assert.Contains("chorus_test_probe_total{otel_scope_name=\"Chorus.Gateway\"} 3", scrape, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
