namespace Chorus.Discord.Models;

/// <summary>The partial application object in READY.</summary>
public sealed record ReadyApplication
{
    /// <summary>The application id.</summary>
    public required ulong Id { get; init; }
}
