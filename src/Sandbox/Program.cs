using Chorus.Sandbox.Scenario;

namespace Chorus.Sandbox;

/// <summary>`dotnet run --project src/Sandbox`: the bot in a conversation with a scripted user, all on loopback.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            var report = await SandboxScenario.RunAsync(Console.Out, cancellationToken: cancel.Token);
            return report.LeftCleanly && report.Turns.All(t => t.ResponseMs is not null) ? 0 : 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return 130;
        }
    }
}
