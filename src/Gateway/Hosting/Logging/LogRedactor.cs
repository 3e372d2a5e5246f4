using System.Buffers;
using Chorus.Grains;

namespace Chorus.Gateway.Hosting.Logging;

/// <summary>
/// Knows the texts that must never reach a log line (the Discord token, the Gemini key, personas) and cuts them out of
/// text. A text is found by its first <see cref="KeyLength"/> characters (one multi-string search per line, whatever
/// the number of texts), and from there as much of it as the line holds is replaced, so a text cut short by the code
/// that logs it is redacted too.
/// </summary>
public sealed class LogRedactor : ILogRedaction
{
    public const string Replacement = "[redacted]";

    /// <summary>Texts shorter than this are not protected: a persona of a few characters would blank common words.</summary>
    public const int MinLength = 8;

    /// <summary>How many characters from a text's start find it in a line.</summary>
    private const int KeyLength = 16;

    /// <summary>Personas kept at most (the oldest is forgotten first); secrets from the configuration are never forgotten.</summary>
    private const int MaxTexts = 4096;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _byAge = new();
    private readonly Dictionary<string, LinkedListNode<string>> _protected = new(StringComparer.Ordinal);
    private volatile Index _index = Index.Empty;

    /// <summary>Protects a secret for the life of the process.</summary>
    public void ProtectSecret(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinLength)
        {
            return;
        }

        lock (_lock)
        {
            _pinned.Add(secret);
            Rebuild();
        }
    }

    public void Protect(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length < MinLength)
        {
            return;
        }

        lock (_lock)
        {
            if (_protected.TryGetValue(text, out var node))
            {
                _byAge.Remove(node);
                _byAge.AddLast(node);
                return;
            }

            _protected[text] = _byAge.AddLast(text);
            if (_protected.Count > MaxTexts && _byAge.First is { } oldest)
            {
                _protected.Remove(oldest.Value);
                _byAge.RemoveFirst();
            }

            Rebuild();
        }
    }

    /// <summary>Whether <paramref name="text"/> holds the start of a protected text.</summary>
    public bool NeedsRedaction(ReadOnlySpan<char> text)
    {
        var index = _index;
        return index.Keys is { } keys && text.IndexOfAny(keys) >= 0;
    }

    /// <summary><paramref name="text"/> with every protected text in it (or its start) replaced by <see cref="Replacement"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = _index;
        if (index.Keys is not { } keys)
        {
            return text;
        }

        var first = text.AsSpan().IndexOfAny(keys);
        if (first < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var position = 0;
        var found = first;
        while (found >= 0)
        {
            var at = position + found;
            var length = index.MatchLength(text.AsSpan(at));
            result.Append(text, position, at - position);
            if (length > 0)
            {
                result.Append(Replacement);
                position = at + length;
            }
            else
            {
                result.Append(text[at]);
                position = at + 1;
            }

            found = position < text.Length ? text.AsSpan(position).IndexOfAny(keys) : -1;
        }

        result.Append(text, position, text.Length - position);
        return result.ToString();
    }

    private void Rebuild() => _index = new Index([.. _pinned, .. _byAge]);

    /// <summary>An immutable snapshot of the protected texts, swapped whole when one is added.</summary>
    private sealed class Index
    {
        public static readonly Index Empty = new([]);

        private readonly Dictionary<string, List<string>> _byKey = new(StringComparer.Ordinal);

        public Index(IReadOnlyList<string> texts)
        {
            foreach (var text in texts)
            {
                var key = text[..Math.Min(KeyLength, text.Length)];
                if (!_byKey.TryGetValue(key, out var list))
                {
                    _byKey[key] = list = [];
                }

                list.Add(text);
            }

            Keys = _byKey.Count == 0 ? null : SearchValues.Create([.. _byKey.Keys], StringComparison.Ordinal);
        }

        public SearchValues<string>? Keys { get; }

        /// <summary>How many characters from the start of <paramref name="text"/> are a protected text (or its start); 0 if none.</summary>
        public int MatchLength(ReadOnlySpan<char> text)
        {
            var lookup = _byKey.GetAlternateLookup<ReadOnlySpan<char>>();
            var longest = 0;
            for (var keyLength = Math.Min(KeyLength, text.Length); keyLength >= MinLength; keyLength--)
            {
                if (!lookup.TryGetValue(text[..keyLength], out var candidates))
                {
                    continue;
                }

                foreach (var candidate in candidates)
                {
                    longest = Math.Max(longest, text.CommonPrefixLength(candidate));
                }
            }

            return longest;
        }
    }
}
