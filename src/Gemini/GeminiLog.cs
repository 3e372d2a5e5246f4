using Microsoft.Extensions.Logging;

namespace Chorus.Gemini;

/// <summary>Every log line of the library. None carries the key, the persona or the URL query.</summary>
internal static partial class GeminiLog
{
    [LoggerMessage(1, LogLevel.Information, "Gemini Live connecting to {Host} (model {Model}, resuming {Resuming})")]
    public static partial void Connecting(ILogger logger, string host, string model, bool resuming);

    [LoggerMessage(2, LogLevel.Information, "Gemini Live setup complete (model {Model}, session {SessionId})")]
    public static partial void SetupComplete(ILogger logger, string model, string? sessionId);

    [LoggerMessage(3, LogLevel.Warning, "Gemini Live dropped a malformed server message ({Length} bytes)")]
    public static partial void Malformed(ILogger logger, int length);

    [LoggerMessage(4, LogLevel.Debug, "Gemini Live ignored a message with no known field")]
    public static partial void Unknown(ILogger logger);

    [LoggerMessage(5, LogLevel.Warning, "Gemini Live dropped an oversized server message (over {Limit} bytes)")]
    public static partial void Oversized(ILogger logger, int limit);

    [LoggerMessage(6, LogLevel.Information, "Gemini Live transport closed: {Close}")]
    public static partial void Closed(ILogger logger, GeminiCloseInfo close);

    [LoggerMessage(7, LogLevel.Error, "Gemini Live listener threw; the event was dropped")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Gemini Live connect failed: {Kind} {Message}")]
    public static partial void ConnectFailed(ILogger logger, GeminiFailureKind kind, string message);

    [LoggerMessage(9, LogLevel.Information, "Gemini conversation reconnect attempt {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, int attempt, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Information, "Gemini conversation switched transport ({Cause}, resumed {Resumed}, model {Model})")]
    public static partial void Switched(ILogger logger, Events.GeminiReconnectCause cause, bool resumed, string model);

    [LoggerMessage(11, LogLevel.Warning, "Gemini resumption handle refused; starting a fresh session")]
    public static partial void ResumeRefused(ILogger logger);

    [LoggerMessage(12, LogLevel.Error, "Gemini conversation failed: {Kind} {Message}")]
    public static partial void Failed(ILogger logger, GeminiFailureKind kind, string message);

    [LoggerMessage(13, LogLevel.Warning, "Gemini model {Model} unavailable; trying fallback {Fallback}")]
    public static partial void ModelFallback(ILogger logger, string model, string fallback);

    [LoggerMessage(14, LogLevel.Information, "Gemini goAway with {TimeLeft} left; opening the next transport")]
    public static partial void GoAway(ILogger logger, TimeSpan timeLeft);

    [LoggerMessage(15, LogLevel.Warning, "Gemini conversation dropped {Bytes} bytes of buffered user audio (buffer full)")]
    public static partial void BacklogOverflow(ILogger logger, int bytes);

    [LoggerMessage(16, LogLevel.Information, "Gemini conversation carried on from another process: {Bytes} bytes of user audio its session never heard go first")]
    public static partial void HandedAudioQueued(ILogger logger, int bytes);
}
