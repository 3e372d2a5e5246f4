namespace Chorus.Discord.Voice;

/// <summary>The voice connection stopped for good (after giving up on a close code or on reconnects).</summary>
public sealed class VoiceConnectionClosedException : Exception
{
    /// <summary>An exception for <paramref name="closed"/>.</summary>
    /// <param name="closed">Why the connection stopped.</param>
    public VoiceConnectionClosedException(VoiceConnectionClosed closed)
        : base($"The voice connection closed ({closed.CloseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no code"}, {closed.Action}): {closed.Reason}")
    {
        Closed = closed;
    }

    /// <summary>The connection closed, with no details.</summary>
    public VoiceConnectionClosedException() : base("The voice connection closed.") => Closed = new(null, Gateway.VoiceCloseAction.GiveUp, "closed");

    /// <summary>The connection closed for the reason in <paramref name="message"/>.</summary>
    /// <param name="message">Why; never contains the voice token.</param>
    public VoiceConnectionClosedException(string message) : base(message) => Closed = new(null, Gateway.VoiceCloseAction.GiveUp, message);

    /// <summary>The connection closed because of another exception.</summary>
    /// <param name="message">Why; never contains the voice token.</param>
    /// <param name="innerException">The underlying exception.</param>
    public VoiceConnectionClosedException(string message, Exception innerException) : base(message, innerException) => Closed = new(null, Gateway.VoiceCloseAction.GiveUp, message);

    /// <summary>Why the connection stopped: close code, action and reason.</summary>
    public VoiceConnectionClosed Closed { get; }
}
