namespace Chorus.Grains;

/// <summary>
/// Text that must never appear in a log line (a guild's persona), handed to the process's redaction layer by whoever
/// holds it, so that a line that quotes it by mistake is cleaned before any logger provider sees it.
/// </summary>
public interface ILogRedaction
{
    /// <summary>From now on, <paramref name="text"/> (and any part of it from its start) is written as [redacted].</summary>
    void Protect(string? text);
}
