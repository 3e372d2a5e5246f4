namespace Chorus.Emulators.Gemini;

/// <summary>One <c>realtimeInput.audio</c> message as the emulator received it.</summary>
public sealed record GeminiEmulatorAudioArrival(DateTimeOffset At, int Bytes);
