using Chorus.Gateway.Bridge;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// Takes the bridge's reports where they belong: resumption handles to the grain (in order, off the Gemini receive
/// loop), transcripts to the guild's transcript poster, a conversation that failed for good to the session's inbox.
/// </summary>
internal sealed class SessionBridgeObserver(
    long guildId, IVoiceSessionGrain grain, string gatewayId, SessionInbox inbox, TranscriptPoster? transcripts, ILogger logger)
    : IStreamingBridgeObserver
{
    private readonly Lock _lock = new();
    private Task _handleWrite = Task.CompletedTask;

    public void OnResumptionHandle(string handle)
    {
        lock (_lock)
        {
            _handleWrite = _handleWrite.ContinueWith(_ => RecordHandleAsync(handle), TaskScheduler.Default).Unwrap();
        }
    }

    public void OnConversationFailed(GeminiLiveException error)
    {
        logger.LogError("Guild {GuildId}: Gemini failed for good ({Kind})", guildId, error.Kind);
        inbox.OnGeminiFailed(error);
    }

    public void OnGeminiConnectionChanged(bool connected) => inbox.OnGeminiConnectionChanged(connected);

    public void OnTranscription(GeminiTranscriptionSource source, string text, bool finished) => transcripts?.Add(source, text);

    public void OnTurnComplete() => transcripts?.CompleteTurn();

    /// <summary>Completes once every handle reported so far has been written (or failed to be).</summary>
    public Task DrainAsync()
    {
        lock (_lock)
        {
            return _handleWrite;
        }
    }

    private async Task RecordHandleAsync(string handle)
    {
        try
        {
            await grain.RecordResumptionHandleAsync(gatewayId, handle).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Guild {GuildId}: could not store the resumption handle", guildId);
        }
    }
}
