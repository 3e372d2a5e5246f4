using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Chorus.LoadHarness;

/// <summary>
/// CPU per conversation with the bot's instruments not listened to, and with OpenTelemetry collecting every Chorus.*
/// instrument (plus runtime and process metrics) and exporting each second, in alternating windows of one run, so that
/// the two figures share the machine's load.
/// </summary>
internal static class MetricsOverhead
{
    public static async Task<MetricsOverheadFigure> MeasureAsync(int conversations, double windowSeconds, int rounds, CancellationToken interrupted)
    {
        var process = Process.GetCurrentProcess();
        double off = 0, on = 0, offSeconds = 0, onSeconds = 0;
        for (var round = 0; round < rounds && !interrupted.IsCancellationRequested; round++)
        {
            var (cpu, seconds) = await WindowAsync(process, windowSeconds, interrupted);
            off += cpu;
            offSeconds += seconds;
            using (var provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter("Chorus.*")
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), exportIntervalMilliseconds: 1000))
                .Build())
            {
                (cpu, seconds) = await WindowAsync(process, windowSeconds, interrupted);
                on += cpu;
                onSeconds += seconds;
            }
        }

        var n = Math.Max(1, conversations);
        return new MetricsOverheadFigure(
            off / Math.Max(offSeconds, 1e-9) / n * 100, on / Math.Max(onSeconds, 1e-9) / n * 100, rounds, windowSeconds);
    }

    private static async Task<(double CpuSeconds, double WallSeconds)> WindowAsync(Process process, double seconds, CancellationToken interrupted)
    {
        process.Refresh();
        var before = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), interrupted);
        }
        catch (OperationCanceledException)
        {
        }

        process.Refresh();
        return ((process.TotalProcessorTime - before).TotalSeconds, wall.Elapsed.TotalSeconds);
    }

    /// <summary>Collects like a real exporter (every point read) and sends nothing anywhere.</summary>
    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    _ = point.EndTime;
                }
            }

            return ExportResult.Success;
        }
    }
}

/// <param name="CpuPercentOfCoreWithout">CPU per conversation, % of one core, while nothing listened to the instruments.</param>
/// <param name="CpuPercentOfCoreWith">The same while OpenTelemetry collected and exported them.</param>
/// <param name="Rounds">Pairs of windows measured (without, then with).</param>
/// <param name="WindowSeconds">The length of each window.</param>
internal sealed record MetricsOverheadFigure(double CpuPercentOfCoreWithout, double CpuPercentOfCoreWith, int Rounds, double WindowSeconds);
