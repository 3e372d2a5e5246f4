namespace Chorus.Silo.Hosting;

/// <summary>
/// <c>dotnet Chorus.Silo.dll --health-probe [URL]</c>: the container health check. Microsoft's runtime images ship no curl or
/// wget, and CMD-SHELL's /bin/sh (dash) has no /dev/tcp, so the app probes itself: exit 0 when /health answers 2xx, 1 otherwise, one line either way.
/// Without a URL it asks this process's own configuration (Dashboard:BindAddress, Dashboard:Port) where to look.
/// </summary>
public static class HealthProbe
{
    // Below the compose health check's 10 s timeout, with room for a slow first request on a loaded machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Uri url;
        if (args.Length > 1)
        {
            if (!Uri.TryCreate(args[1], UriKind.Absolute, out url!) || url.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"health probe: '{args[1]}' is not an http(s) URL");
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
            url = ChorusSiloApp.HealthUrl(configuration);
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
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
