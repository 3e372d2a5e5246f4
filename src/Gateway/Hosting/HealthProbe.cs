using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Hosting;

/// <summary>
/// <c>dotnet Chorus.Silo.dll --health-probe [URL]</c> and <c>dotnet Chorus.Gateway.dll --health-probe [URL]</c>: the
/// container health checks. Microsoft's runtime images ship no curl or wget, and CMD-SHELL's /bin/sh (dash) has no
/// /dev/tcp, so the app probes itself: exit 0 when /health answers 2xx, 1 otherwise, one line either way. Without a URL
/// it reads the process's own configuration (appsettings.json beside it, then the environment) to know where to look.
/// </summary>
public static class HealthProbe
{
    // Below the compose health check's 10 s timeout, with room for a slow first request on a loaded machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    /// <param name="args">The command line: the flag, then an optional URL.</param>
    /// <param name="readinessUrl">Where this kind of process serves /health, from its configuration.</param>
    public static async Task<int> RunAsync(string[] args, Func<IConfiguration, Uri> readinessUrl)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(readinessUrl);
        Uri url;
        if (args.Length > 1)
        {
            if (!Uri.TryCreate(args[1], UriKind.Absolute, out url!) || url.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"health probe: '{args[1]}' is not an http(s) URL").ConfigureAwait(false);
                return 1;
            }
        }
        else
        {
            var configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
            try
            {
                url = readinessUrl(configuration);
            }
            catch (InvalidOperationException e)
            {
                // A value that does not bind (Health__Port=abc): the process itself refuses it at start with the same words.
                await Console.Error.WriteLineAsync($"health probe: {e.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                return 1;
            }
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            Console.WriteLine($"health probe: {url} -> {(int)response.StatusCode} {body.ReplaceLineEndings(" ")}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"health probe: {url} -> {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
