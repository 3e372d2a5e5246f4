namespace Chorus.Sandbox.Scenario;

/// <summary>One utterance of the scripted user and how the bot answered it.</summary>
public sealed record SandboxTurn(int Number, string Said, double SpeechSeconds, double? ResponseMs, double AnsweredSeconds, bool Interrupted);
