namespace Chorus.Gemini;

public enum GeminiActivityHandling
{
    /// <summary>Barge-in: user speech interrupts the model.</summary>
    StartOfActivityInterrupts,
    NoInterruption,
}
