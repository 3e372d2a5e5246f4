using System.Buffers;
using Chorus.Gemini.Events;

namespace Chorus.Gemini.Wire;

/// <summary>
/// One decoded server message, reused message after message: the audio lives in a pooled buffer that grows to
/// the largest message seen, so steady-state parsing allocates nothing for audio.
/// </summary>
internal sealed class GeminiServerMessage : IDisposable
{
    private readonly List<GeminiEvent> _events = new(4);
    private byte[] _audio = [];
    private int _audioLength;

    /// <summary>Concatenated model audio of this message (PCM16 LE mono 24 kHz).</summary>
    public ReadOnlySpan<byte> Audio => _audio.AsSpan(0, _audioLength);

    /// <summary>Non-audio events in message order.</summary>
    public IReadOnlyList<GeminiEvent> Events => _events;

    /// <summary>Top-level keys this client does not know (new server features); they are ignored.</summary>
    public int UnknownFields { get; internal set; }

    /// <summary>True when the message held nothing this client understands.</summary>
    public bool IsEmpty => _audioLength == 0 && _events.Count == 0;

    public void Reset()
    {
        _events.Clear();
        _audioLength = 0;
        UnknownFields = 0;
    }

    internal void Add(GeminiEvent liveEvent) => _events.Add(liveEvent);

    internal int AudioLength
    {
        get => _audioLength;
        set => _audioLength = value;
    }

    /// <summary>Returns space for at least <paramref name="extra"/> more audio bytes after the current audio.</summary>
    internal Span<byte> ReserveAudio(int extra)
    {
        var needed = _audioLength + extra;
        if (needed > _audio.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _audio.Length * 2));
            _audio.AsSpan(0, _audioLength).CopyTo(grown);
            if (_audio.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_audio);
            }

            _audio = grown;
        }

        return _audio.AsSpan(_audioLength);
    }

    public void Dispose()
    {
        if (_audio.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_audio);
            _audio = [];
        }

        _audioLength = 0;
    }
}
