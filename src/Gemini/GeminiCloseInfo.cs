namespace Chorus.Gemini;

/// <summary>How a transport ended: WebSocket close code (null when there was no close frame) and reason.</summary>
internal sealed record GeminiCloseInfo(int? Code, string? Reason, GeminiFailureKind Kind)
{
    public override string ToString() => Code is { } code ? $"{code} {Reason}".TrimEnd() : $"no close frame ({Reason})";
}
