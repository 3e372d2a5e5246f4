namespace Chorus.Gemini;

/// <summary>Builds the Live WebSocket URI from a base URI. The key never goes in it.</summary>
internal static class GeminiLiveEndpoint
{
    public static Uri For(Uri baseUri, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var scheme = baseUri.Scheme switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            _ => throw new ArgumentException("The base URI must be ws, wss, http or https.", nameof(baseUri)),
        };
        var builder = new UriBuilder(baseUri)
        {
            Scheme = scheme,
            Query = string.Empty,
            Fragment = string.Empty,
            Path = baseUri.AbsolutePath.TrimEnd('/') + $"/ws/google.ai.generativelanguage.{apiVersion}.GenerativeService.BidiGenerateContent",
        };
        if (builder.Uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }
}
