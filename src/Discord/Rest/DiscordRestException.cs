using System.Net;

namespace Chorus.Discord.Rest;

/// <summary>A REST call failed. The message names the route template, never the URL (it can hold interaction tokens).</summary>
public sealed class DiscordRestException : Exception
{
    /// <summary>A failed call as Discord answered it.</summary>
    /// <param name="route">The route template (never the URL, which can hold interaction tokens).</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">Discord's JSON error code, if the body had one.</param>
    /// <param name="discordMessage">Discord's error message, if the body had one.</param>
    public DiscordRestException(string route, HttpStatusCode status, int? code, string? discordMessage)
        : base($"Discord REST {route} failed: {(int)status} {status}" + (code is null ? string.Empty : $" (code {code}: {discordMessage})"))
    {
        Route = route;
        Status = status;
        Code = code;
        DiscordMessage = discordMessage;
    }

    /// <summary>A REST failure without details.</summary>
    public DiscordRestException()
    {
        Route = string.Empty;
    }

    /// <summary>A REST failure.</summary>
    /// <param name="message">What failed; never contains a token.</param>
    public DiscordRestException(string message)
        : base(message)
    {
        Route = string.Empty;
    }

    /// <summary>A REST failure caused by another exception.</summary>
    /// <param name="message">What failed; never contains a token.</param>
    /// <param name="innerException">The underlying exception.</param>
    public DiscordRestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Route = string.Empty;
    }

    internal string Route { get; }

    /// <summary>The HTTP status Discord answered with.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Discord's JSON error code (e.g. 10062 unknown interaction, 40060 already acknowledged).</summary>
    public int? Code { get; }

    internal string? DiscordMessage { get; }
}
