using Chorus.Sandbox.Scenario;
using Chorus.Sandbox.Scenario.Cluster;
using Chorus.Sandbox.Scenario.Scenarios;

namespace Chorus.Sandbox;

/// <summary>`dotnet run --project src/Sandbox`: the bot in a conversation with a scripted user, all on loopback.</summary>
public static class Program
{
    public const int UsageExitCode = 2;

    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops the run and prints the report so far; a second one ends the process at once.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                cancel.Cancel();
            }
        };
        return await RunAsync(args, Console.Out, Console.Error, cancel.Token);
    }

    /// <summary>The whole program, with its output and its Ctrl+C passed in. Returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var command = SandboxCommandLine.Parse(args);
        if (command.Error is { } problem)
        {
            await error.WriteLineAsync(problem);
            return UsageExitCode;
        }

        if (command.Help)
        {
            await output.WriteLineAsync(SandboxCommandLine.Usage);
            return 0;
        }

        if (command.Options!.Cluster)
        {
            return (await ClusterScenario.RunAsync(output, command.Options, cancellationToken)).ExitCode;
        }

        if (command.Options.Scenario is { } scenario)
        {
            return await SandboxScenarios.RunAsync(scenario, output, command.Options, cancellationToken);
        }

        var report = await SandboxScenario.RunAsync(output, command.Options, cancellationToken);
        return report.ExitCode;
    }
}
