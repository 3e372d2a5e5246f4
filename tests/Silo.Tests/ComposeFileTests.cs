using System.Diagnostics;

namespace Chorus.Silo.Tests;

public sealed class ComposeFileTests
{
    [Fact]
    public async Task Compose_file_is_valid_and_wires_redis_silo_and_gateway()
    {
        RequiredTool.Require(RequiredTool.DockerCompose);
        var root = RepositoryRoot();
        var info = new ProcessStartInfo("docker-compose")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-f", "docker-compose.yml", "config" },
        };
        info.Environment["DISCORD_TOKEN"] = "compose-check-token";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await errors);
        var config = await output;
        Assert.Contains("redis:", config);
        Assert.Contains("src/Silo/Dockerfile", config);
        Assert.Contains("src/Gateway/Dockerfile", config);
        Assert.Contains("Orleans__Clustering__ProviderType: Redis", config);
        Assert.Contains("127.0.0.1:8088", config);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chorus.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Chorus.slnx not found above " + AppContext.BaseDirectory);
    }
}
