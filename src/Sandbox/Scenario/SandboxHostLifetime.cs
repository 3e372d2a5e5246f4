namespace Chorus.Sandbox.Scenario;

/// <summary>
/// The host's lifetime in the sandbox: the scenario starts and stops the bot itself. The default console lifetime
/// would take Ctrl+C too and tear the bot down under the running scenario, and announce a Ctrl+C to shut down a
/// program that ends by itself.
/// </summary>
internal sealed class SandboxHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
