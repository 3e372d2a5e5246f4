namespace Chorus.Discord.Rest;

/// <summary>Discord's error / 429 body: message, code, retry_after (seconds, float), global.</summary>
internal sealed record RestErrorBody
{
    public string? Message { get; init; }

    public int? Code { get; init; }

    public double? RetryAfter { get; init; }

    public bool? Global { get; init; }
}
