namespace Chorus.Sandbox.Scenario;

/// <summary>One utterance of the scripted user and how the bot answered it.</summary>
/// <param name="Number">1 for the first thing said.</param>
/// <param name="Said">The words spoken.</param>
/// <param name="SpeechSeconds">How long the utterance lasted.</param>
/// <param name="ResponseMs">From the end of the utterance to the first answer heard; null when no answer was heard.</param>
/// <param name="AnsweredSeconds">How much answer was heard (up to the interruption, for a talked-over answer).</param>
/// <param name="Interrupted">The user talked over the answer and the bot stopped.</param>
public sealed record SandboxTurn(int Number, string Said, double SpeechSeconds, double? ResponseMs, double AnsweredSeconds, bool Interrupted)
{
    public bool Answered => ResponseMs is not null;
}
