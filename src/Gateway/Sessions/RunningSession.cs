using Chorus.Discord.Voice;
using Chorus.Gateway.Bridge;
using Chorus.Gemini;
using Chorus.Gemini.Events;
using Chorus.Grains.Sessions;
using Microsoft.Extensions.Logging;

namespace Chorus.Gateway.Sessions;

/// <summary>One conversation this gateway process runs, and the bridge's reports on their way to the grain.</summary>
internal sealed class RunningSession(long guildId, IVoiceSessionGrain grain, string gatewayId, ILogger logger)
    : IStreamingBridgeObserver, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private SessionCounters _reported = SessionCounters.Zero;
    private Task _handleWrite = Task.CompletedTask;

    public long GuildId { get; } = guildId;

    public IVoiceSessionGrain Grain { get; } = grain;

    public StreamingBridge Bridge { get; set; } = null!;

    public VoiceConnection Voice { get; set; } = null!;

    public GeminiConversation Gemini { get; set; } = null!;

    public Chorus.Discord.Dave.Session.DaveSession? Dave { get; set; }

    /// <summary>Set when the guild wants transcripts in a text channel.</summary>
    public TranscriptPoster? Transcripts { get; set; }

    public void OnResumptionHandle(string handle)
    {
        // Chained so handles reach the grain in order, off the Gemini receive loop.
        lock (_lock)
        {
            _handleWrite = _handleWrite.ContinueWith(_ => RecordHandleAsync(handle), TaskScheduler.Default).Unwrap();
        }
    }

    public void OnConversationFailed(GeminiLiveException error) =>
        logger.LogError("Guild {GuildId}: Gemini failed for good ({Kind}): {Message}", GuildId, error.Kind, error.Message);

    public void OnTranscription(GeminiTranscriptionSource source, string text, bool finished) =>
        Transcripts?.Add(source, text);

    public void OnTurnComplete() => Transcripts?.CompleteTurn();

    /// <summary>The counters gathered since the last report (each report sends a delta; the grain keeps totals).</summary>
    public SessionCounters TakeCounterDelta()
    {
        if (Bridge is null)
        {
            return SessionCounters.Zero;
        }

        var c = Bridge.Counters;
        var now = new SessionCounters(c.Turns, c.Interruptions + c.LocalBargeIns, c.Reconnects, c.AudioSecondsIn, c.AudioSecondsOut, c.TokensIn, c.TokensOut);
        lock (_lock)
        {
            var delta = new SessionCounters(
                now.Turns - _reported.Turns, now.Interruptions - _reported.Interruptions, now.Reconnects - _reported.Reconnects,
                now.AudioSecondsIn - _reported.AudioSecondsIn, now.AudioSecondsOut - _reported.AudioSecondsOut,
                now.TokensIn - _reported.TokensIn, now.TokensOut - _reported.TokensOut);
            _reported = now;
            return delta;
        }
    }

    public async Task ReportStatsAsync()
    {
        var latency = Bridge.Latency;
        var figures = new LatencyFigures(
            latency.Uplink.PercentileMs(0.5), latency.Uplink.PercentileMs(0.99),
            latency.Downlink.PercentileMs(0.5), latency.Downlink.PercentileMs(0.99),
            latency.ServerBargeIn.Count > 0 ? latency.ServerBargeIn.MaxMs : null,
            latency.Response.Count > 0 ? latency.Response.PercentileMs(0.5) : null,
            DateTimeOffset.UtcNow);
        try
        {
            await Grain.RecordStatsAsync(gatewayId, TakeCounterDelta(), figures).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Guild {GuildId}: could not record stats", GuildId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Bridge is not null)
        {
            await Bridge.DisposeAsync().ConfigureAwait(false);
        }

        if (Gemini is not null)
        {
            await Gemini.DisposeAsync().ConfigureAwait(false);
        }

        if (Voice is not null)
        {
            await Voice.DisposeAsync().ConfigureAwait(false);
        }

        if (Transcripts is not null)
        {
            await Transcripts.DisposeAsync().ConfigureAwait(false);
        }

        Dave?.Dispose();
        Task pending;
        lock (_lock)
        {
            pending = _handleWrite;
        }

        await pending.ConfigureAwait(false);
    }

    private async Task RecordHandleAsync(string handle)
    {
        try
        {
            await Grain.RecordResumptionHandleAsync(gatewayId, handle).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Guild {GuildId}: could not store the resumption handle", GuildId);
        }
    }
}
