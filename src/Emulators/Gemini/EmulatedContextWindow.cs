namespace Chorus.Emulators.Gemini;

/// <summary>
/// What the emulated service bills per turn, the way the Live API does: every turn's prompt is the whole context so far
/// (system instruction, every earlier turn's audio both ways, the new speech), not only what was just said; and
/// sliding-window compression, when set up, cuts the oldest turns once the context passes <c>triggerTokens</c>, down to
/// <c>targetTokens</c>, keeping the system instruction. Rates: 32 tokens per second of input audio (Google's token
/// guide: "each second of audio as 32 tokens") and 25 per second of the model's audio (the native-audio output rate
/// Google's billing support gives); text at about 4 characters a token.
/// </summary>
public sealed class EmulatedContextWindow
{
    public const int InputAudioTokensPerSecond = 32;
    public const int OutputAudioTokensPerSecond = 25;

    /// <summary>The input token limit of gemini-3.8-live.</summary>
    public const long DefaultWindowTokens = 131_072;

    private readonly Lock _lock = new();
    private long _instructionTokens;
    private long _turnTokens;
    private bool _compression;
    private long _trigger;
    private long _target;

    /// <summary>Context tokens now (system instruction and the turns kept).</summary>
    public long Tokens
    {
        get
        {
            lock (_lock)
            {
                return _instructionTokens + _turnTokens;
            }
        }
    }

    /// <summary>Times the window was cut.</summary>
    public int Compressions { get; private set; }

    /// <summary>
    /// Sliding-window compression from the setup; unset numbers take the service's defaults (the trigger at 80% of the
    /// window, the target at half the trigger, as the API reference documents). Null: no compression.
    /// </summary>
    public void Configure(bool enabled, long? triggerTokens, long? targetTokens)
    {
        lock (_lock)
        {
            _compression = enabled;
            _trigger = triggerTokens ?? DefaultWindowTokens * 8 / 10;
            _target = Math.Min(targetTokens ?? _trigger / 2, _trigger);
        }
    }

    public void SetSystemInstruction(string? text)
    {
        lock (_lock)
        {
            _instructionTokens = TextTokens(text);
        }
    }

    public static long TextTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;

    public static long InputAudioTokens(TimeSpan speech) => (long)Math.Round(speech.TotalSeconds * InputAudioTokensPerSecond);

    public static long OutputAudioTokens(TimeSpan speech) => (long)Math.Round(speech.TotalSeconds * OutputAudioTokensPerSecond);

    /// <summary>
    /// One turn: the new speech joins the context; if the context then passes the trigger, the oldest turns go (the
    /// cut is at the start of a user turn, so the new speech stays); the prompt billed is the context; the answer joins it.
    /// </summary>
    public EmulatedTurnUsage CompleteTurn(long inputAudioTokens, long outputAudioTokens)
    {
        lock (_lock)
        {
            _turnTokens += inputAudioTokens;
            if (_compression && _instructionTokens + _turnTokens > _trigger)
            {
                _turnTokens = Math.Max(inputAudioTokens, _target - _instructionTokens);
                Compressions++;
            }

            var usage = new EmulatedTurnUsage(_instructionTokens, _turnTokens, outputAudioTokens);
            _turnTokens += outputAudioTokens;
            return usage;
        }
    }
}

/// <summary>One turn's <c>usageMetadata</c>: prompt text (the system instruction) and audio (the turns in context), response audio.</summary>
public sealed record EmulatedTurnUsage(long PromptTextTokens, long PromptAudioTokens, long ResponseAudioTokens)
{
    public long PromptTokens => PromptTextTokens + PromptAudioTokens;

    public long TotalTokens => PromptTokens + ResponseAudioTokens;
}
