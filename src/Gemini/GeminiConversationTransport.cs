using Chorus.Gemini.Events;

namespace Chorus.Gemini;

/// <summary>One transport of a conversation, and the listener that routes its events back to the conversation.</summary>
internal sealed class GeminiConversationTransport : IGeminiLiveListener
{
    private readonly GeminiConversation _owner;
    private readonly Lock _resumableLock = new();
    private TaskCompletionSource _resumable = NewSignal(completed: true);

    public GeminiConversationTransport(GeminiConversation owner) => _owner = owner;

    public GeminiLiveSession Session { get; set; } = null!;

    /// <summary>Replaced by a newer transport or given up: its events are no longer forwarded.</summary>
    public volatile bool Retired;

    /// <summary>The model finished a turn on this transport: the connection worked, whatever ends it later.</summary>
    public volatile bool ServedTurn;

    /// <summary>Opened without a handle, with the recent conversation in its system instruction.</summary>
    public bool Seeded { get; set; }

    /// <summary>When the server last sent anything on this transport (the start of a handover gap).</summary>
    public long LastReceivedAt { get; private set; }

    /// <summary>Completes when the server says the session can be resumed without losing state.</summary>
    public Task Resumable
    {
        get
        {
            lock (_resumableLock)
            {
                return _resumable.Task;
            }
        }
    }

    public void OnMessageReceived(long receivedAt)
    {
        if (_owner.ShouldForward(this))
        {
            _owner.Listener.OnMessageReceived(receivedAt);
        }
    }

    public void OnAudio(ReadOnlySpan<byte> pcm24k)
    {
        LastReceivedAt = _owner.Time.GetTimestamp();
        // Answer audio means the model is mid-turn, whatever the last resumption update said: a handover now would cut
        // the answer and the turn would be answered again. Once per answer (the signal is reset, then left alone).
        if (Volatile.Read(ref _resumable).Task.IsCompleted && !Retired)
        {
            SetResumable(false);
        }

        if (_owner.ShouldForward(this))
        {
            _owner.Listener.OnAudio(pcm24k);
        }
    }

    public void OnEvent(GeminiEvent liveEvent)
    {
        LastReceivedAt = _owner.Time.GetTimestamp();
        if (Retired)
        {
            return;
        }

        switch (liveEvent)
        {
            case GeminiResumptionUpdate update:
                SetResumable(update.Resumable);
                _owner.OnResumptionUpdate(update);
                if (update.IsUsable)
                {
                    _owner.OnAcknowledged();
                }

                break;
            case GeminiGenerationComplete:
                _owner.OnAcknowledged();
                break;
            case GeminiTranscription transcription:
                _owner.OnTranscription(transcription);
                break;
            case GeminiTurnComplete:
                ServedTurn = true;
                _owner.OnAcknowledged();
                _owner.OnTurnEnded(served: true);
                SetResumable(true);
                break;
            case GeminiInterrupted:
                _owner.OnTurnEnded(served: false);
                SetResumable(true);
                break;
            case GeminiGoAway goAway:
                _owner.OnGoAway(this, goAway.TimeLeft);
                break;
        }

        if (_owner.ShouldForward(this))
        {
            _owner.Listener.OnEvent(liveEvent);
        }
    }

    private void SetResumable(bool resumable)
    {
        lock (_resumableLock)
        {
            if (resumable)
            {
                _resumable.TrySetResult();
            }
            else if (_resumable.Task.IsCompleted)
            {
                _resumable = NewSignal(completed: false);
            }
        }
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }
}
