using System.Text;
using Chorus.Gemini.Events;

namespace Chorus.Gemini;

/// <summary>
/// What the conversation heard, turn by turn, from the input and output transcriptions: the context a fresh
/// session is seeded with when the server's own context is lost (resume refused, persona change on a model
/// without <c>contextUpdate</c>). Bounded by turns and by characters, newest kept. Thread-safe.
/// </summary>
internal sealed class GeminiConversationMemory
{
    private readonly Lock _lock = new();
    private readonly int _maxTurns;
    private readonly int _maxCharacters;
    private readonly Queue<(string User, string Model)> _turns = new();
    private readonly StringBuilder _user = new();
    private readonly StringBuilder _model = new();

    public GeminiConversationMemory(int maxTurns, int maxCharacters)
    {
        _maxTurns = Math.Max(maxTurns, 0);
        _maxCharacters = Math.Max(maxCharacters, 0);
    }

    /// <summary>Completed turns kept.</summary>
    public int Turns
    {
        get
        {
            lock (_lock)
            {
                return _turns.Count;
            }
        }
    }

    public void Heard(GeminiTranscription transcription)
    {
        lock (_lock)
        {
            (transcription.Source == GeminiTranscriptionSource.Input ? _user : _model).Append(transcription.Text);
        }
    }

    /// <summary>The model finished (or was interrupted in) its turn: what was said in it is kept.</summary>
    public void EndTurn()
    {
        lock (_lock)
        {
            var user = _user.ToString().Trim();
            var model = _model.ToString().Trim();
            _user.Clear();
            _model.Clear();
            if (user.Length == 0 && model.Length == 0)
            {
                return;
            }

            _turns.Enqueue((user, model));
            while (_turns.Count > _maxTurns)
            {
                _turns.Dequeue();
            }
        }
    }

    /// <summary>
    /// A turn cut by a lost socket is dropped: its audio is replayed to the next socket, which transcribes it
    /// again, so keeping it would record the words twice.
    /// </summary>
    public void DropOpenTurn()
    {
        lock (_lock)
        {
            _user.Clear();
            _model.Clear();
        }
    }

    /// <summary>
    /// The system instruction of a fresh session: the persona, then the newest turns that fit in the character
    /// bound (oldest first), or the persona alone when nothing was heard yet.
    /// </summary>
    public string? SeedInstruction(string? persona)
    {
        List<string> lines = [];
        lock (_lock)
        {
            var budget = _maxCharacters;
            foreach (var (user, model) in _turns.Reverse())
            {
                var turn = Turn(user, model);
                if (turn.Length > budget)
                {
                    break;
                }

                budget -= turn.Length;
                lines.Add(turn);
            }
        }

        if (lines.Count == 0)
        {
            return persona;
        }

        lines.Reverse();
        var seed = new StringBuilder();
        if (!string.IsNullOrEmpty(persona))
        {
            seed.Append(persona).Append("\n\n");
        }

        // The model cannot tell a renewed connection from a new call: without this it greets the users again.
        seed.Append("This is not the start of the conversation: the connection was renewed in the middle of it. ")
            .Append("Do not greet the users or introduce yourself again; carry on from where it stopped. ")
            .Append("The most recent turns, oldest first:\n");
        foreach (var line in lines)
        {
            seed.Append(line);
        }

        return seed.ToString();
    }

    private static string Turn(string user, string model) =>
        $"User: {(user.Length == 0 ? "(inaudible)" : user)}\nYou: {(model.Length == 0 ? "(no answer)" : model)}\n";
}
