using Chorus.Emulators.Audio;
namespace Chorus.Emulators.Gemini;

/// <summary>Scripted behaviour of the Gemini Live emulator.</summary>
public sealed record GeminiEmulatorOptions
{
    /// <summary>The key accepted in <c>x-goog-api-key</c> or <c>?key=</c>; null accepts any non-empty key.</summary>
    public string? ApiKey { get; init; } = "emulator-key";

    /// <summary>Model ids the emulator serves; others are refused like the real service does (1008).</summary>
    public IReadOnlySet<string> Models { get; init; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "gemini-3.8-live",
        "gemini-3.8-live-extended-thinking",
        "gemini-3.1-flash-live-preview",
        "gemini-2.5-flash-native-audio-preview-12-2025",
        "gemini-2.5-flash-native-audio-preview-09-2025",
    };

    public GeminiReplyMode Reply { get; init; } = GeminiReplyMode.Echo;

    /// <summary>PCM16 mono 24 kHz spoken for <see cref="GeminiReplyMode.Fixed"/> (see <see cref="WavFile"/>).</summary>
    public ReadOnlyMemory<byte> FixedReplyPcm24k { get; init; }

    /// <summary>Options that answer every turn with the speech in a PCM16 mono WAV file (16 kHz is upsampled).</summary>
    public GeminiEmulatorOptions WithWavReply(string path)
    {
        var pcm = WavFile.ReadPcm16Mono(File.ReadAllBytes(path), out var rate);
        var reply = rate switch
        {
            24_000 => pcm,
            16_000 => PcmResampler.Upsample16kTo24k(pcm),
            _ => throw new InvalidDataException($"WAV replies must be 16 or 24 kHz, not {rate} Hz."),
        };
        return this with { Reply = GeminiReplyMode.Fixed, FixedReplyPcm24k = reply };
    }

    /// <summary>Delay between the end of the user's speech and the first reply audio.</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>RMS of a 20 ms frame above which it counts as speech.</summary>
    public double SpeechRms { get; init; } = 500;

    /// <summary>Speech needed before start of speech is declared (audio time).</summary>
    public TimeSpan SpeechStart { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Silence needed before end of speech is declared (audio time).</summary>
    public TimeSpan SpeechEndSilence { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Reply audio per server message.</summary>
    public TimeSpan ReplyChunk { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>How much faster than realtime reply audio is sent (the real service bursts).</summary>
    public double ReplySpeedup { get; init; } = 4;

    /// <summary>Sends <c>goAway</c> this long after each setup (null: never).</summary>
    public TimeSpan? GoAwayAfter { get; init; }

    public TimeSpan GoAwayTimeLeft { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Close code used when <see cref="GoAwayTimeLeft"/> runs out (a 2.5-era measurement saw 1008).</summary>
    public int GoAwayCloseCode { get; init; } = 1008;

    public int MaxGoAways { get; init; } = int.MaxValue;

    /// <summary>Closes one connection with 1011 once this much user audio has arrived on it (once per emulator).</summary>
    public TimeSpan? InternalErrorAfterAudio { get; init; }

    /// <summary>Closes with 1011 right after the first reply chunk of a turn (once per emulator).</summary>
    public bool InternalErrorDuringReply { get; init; }

    /// <summary>Closes every setup with this code and reason (e.g. 1011 RESOURCE_EXHAUSTED for quota tests).</summary>
    public GeminiCloseScript? RejectSetup { get; init; }

    /// <summary>Closes each connection with this code as soon as it is accepted, before reading <c>setup</c>.</summary>
    public GeminiCloseScript? CloseOnConnect { get; init; }

    /// <summary>Completes every setup, then closes at once with this code (a service that keeps dropping).</summary>
    public GeminiCloseScript? CloseAfterSetup { get; init; }

    /// <summary>Never answers <c>setup</c> (for connect+setup timeout tests).</summary>
    public bool IgnoreSetup { get; init; }

    /// <summary>Refuses every resumption handle with 1007, as the real service does after a deadline.</summary>
    public bool RefuseResumption { get; init; }

    /// <summary>
    /// Refuses one resume (1007, as the real service does after a deadline) of a session that has answered at least
    /// this many turns; once per emulator (null: never).
    /// </summary>
    public int? RefuseResumeAfterTurns { get; init; }

    /// <summary>Closes every setup that carries a resumption handle with this (a backend that cannot restore sessions).</summary>
    public GeminiCloseScript? RejectResume { get; init; }

    /// <summary>How long a handle stays valid after the last socket of its session closed (the service says 2 h).</summary>
    public TimeSpan HandleLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Closes a connection with 1011 after every this many answered turns on it (null: never).</summary>
    public int? InternalErrorEveryTurns { get; init; }

    /// <summary>
    /// Refuses setups the real service refuses (unknown fields and enum values, per-model fields, audio that is not
    /// <c>audio/pcm</c>). Off only for tests of what a client does with a server that is laxer than Google's.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>The clock for handle expiry, goAway and reply pacing; tests pass a fake one to age handles.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Sends garbage and wrongly typed messages right after <c>setupComplete</c>.</summary>
    public bool SendMalformedAfterSetup { get; init; }

    /// <summary>Server frames as text instead of the binary frames the real service uses.</summary>
    public bool TextFrames { get; init; }
}
