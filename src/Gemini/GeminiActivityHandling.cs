namespace Chorus.Gemini;

internal enum GeminiActivityHandling
{
    /// <summary>Barge-in: user speech interrupts the model.</summary>
    StartOfActivityInterrupts,
    NoInterruption,
}
