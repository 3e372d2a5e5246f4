using System.Text.Json;

namespace Chorus.Gemini.Events;

/// <summary>One requested call; <paramref name="Arguments"/> is a detached copy of <c>args</c>.</summary>
internal sealed record GeminiFunctionCall(string? Id, string Name, JsonElement? Arguments);
