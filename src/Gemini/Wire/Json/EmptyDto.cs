namespace Chorus.Gemini.Wire.Json;

/// <summary>Serializes as <c>{}</c>: the wire's way of saying "enabled with defaults".</summary>
internal sealed record EmptyDto
{
    public static readonly EmptyDto Instance = new();
}
