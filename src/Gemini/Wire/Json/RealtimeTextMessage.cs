namespace Chorus.Gemini.Wire.Json;

internal sealed record RealtimeTextMessage(RealtimeTextDto RealtimeInput);

internal sealed record RealtimeTextDto(string Text);
