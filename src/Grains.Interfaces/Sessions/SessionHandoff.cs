namespace Chorus.Grains.Sessions;

/// <summary>
/// What a gateway that handed a live session over (its shard went to another gateway) leaves for the receiver as it
/// closes its side: the newest Gemini resumption handle, and the user audio that handle's session never heard (a
/// sentence cut by the handover, or one whose answer was being generated). Held in the grain's memory only: it is
/// useful for seconds, and a lost one costs that turn, as before.
/// </summary>
/// <param name="ResumptionHandle">The newest resumable handle, or null when the conversation had none.</param>
/// <param name="UnheardAudio">16 kHz PCM16 mono, oldest first, bounded by the sender (a few seconds).</param>
/// <param name="StreamEnded">The users had stopped after that audio (<c>audioStreamEnd</c> followed it): sent again after it.</param>
[GenerateSerializer, Immutable, Alias("chorus.SessionHandoff")]
public sealed record SessionHandoff(
    [property: Id(0)] string? ResumptionHandle,
    [property: Id(1)] byte[] UnheardAudio,
    [property: Id(2)] bool StreamEnded = false);
