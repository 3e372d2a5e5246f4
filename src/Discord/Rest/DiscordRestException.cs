using System.Net;

namespace Chorus.Discord.Rest;

/// <summary>A REST call failed. The message names the route template, never the URL (it can hold interaction tokens).</summary>
public sealed class DiscordRestException : Exception
{
    public DiscordRestException(string route, HttpStatusCode status, int? code, string? discordMessage)
        : base($"Discord REST {route} failed: {(int)status} {status}" + (code is null ? string.Empty : $" (code {code}: {discordMessage})"))
    {
        Route = route;
        Status = status;
        Code = code;
        DiscordMessage = discordMessage;
    }

    public DiscordRestException()
    {
        Route = string.Empty;
    }

    public DiscordRestException(string message)
        : base(message)
    {
        Route = string.Empty;
    }

    public DiscordRestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Route = string.Empty;
    }

    internal string Route { get; }

    public HttpStatusCode Status { get; }

    /// <summary>Discord's JSON error code (e.g. 10062 unknown interaction, 40060 already acknowledged).</summary>
    public int? Code { get; }

    internal string? DiscordMessage { get; }
}
