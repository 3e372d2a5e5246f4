using System.Text.Json;

namespace Chorus.Silo.Tests;

/// <summary>
/// The processes that carry voice run with thread-pool workers that do not spin for work (Directory.Build.targets): the
/// spin cost ~15 % of a gateway's CPU at 100 conversations, and losing the setting would go unnoticed anywhere else.
/// </summary>
public sealed class VoiceProcessRuntimeConfigTests
{
    [Theory]
    [InlineData("Chorus.Silo")]
    [InlineData("Chorus.Gateway")]
    public void The_host_runs_with_a_thread_pool_that_does_not_spin_for_work(string host)
    {
        var path = Path.Combine(AppContext.BaseDirectory, host + ".runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));

        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(
            properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit),
            $"{host}.runtimeconfig.json has no thread-pool spin limit");
        Assert.Equal(0, spinLimit.GetInt32());
    }
}
