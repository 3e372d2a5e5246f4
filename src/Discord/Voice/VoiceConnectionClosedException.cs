namespace Chorus.Discord.Voice;

public sealed class VoiceConnectionClosedException : Exception
{
    public VoiceConnectionClosedException(VoiceConnectionClosed closed)
        : base($"The voice connection closed ({closed.CloseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no code"}, {closed.Action}): {closed.Reason}")
    {
        Closed = closed;
    }

    public VoiceConnectionClosedException() : base("The voice connection closed.") => Closed = new(null, Gateway.VoiceCloseAction.GiveUp, "closed");

    public VoiceConnectionClosedException(string message) : base(message) => Closed = new(null, Gateway.VoiceCloseAction.GiveUp, message);

    public VoiceConnectionClosedException(string message, Exception innerException) : base(message, innerException) => Closed = new(null, Gateway.VoiceCloseAction.GiveUp, message);

    public VoiceConnectionClosed Closed { get; }
}
