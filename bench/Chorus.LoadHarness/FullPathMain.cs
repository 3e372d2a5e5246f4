using System.Text.Json;

namespace Chorus.LoadHarness;

/// <summary>The command line's side of <c>--path full</c>: run, print, write the JSON.</summary>
internal static class FullPathMain
{
    public static async Task<int> RunAsync(LoadHarnessOptions options)
    {
        // Ctrl+C ends the run early but still reports what was measured and stops every bot process.
        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        FullPathReport report;
        try
        {
            report = await FullPathRun.RunAsync(options, interrupted.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        Console.WriteLine();
        if (report.Bare is { } bare)
        {
            Console.WriteLine(bare.ToTable());
        }

        Console.WriteLine(report.ToTable());
        if (options.Out is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, FullPathReportJson.Default.FullPathReport));
            Console.WriteLine($"JSON written to {path}");
        }
        return report.Joined == options.Conversations ? 0 : 1;
    }
}
