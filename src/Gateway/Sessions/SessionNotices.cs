using System.Globalization;
using Chorus.Discord.Voice;
using Chorus.Discord.Voice.Gateway;
using Chorus.Gemini;
using Chorus.Grains.Sessions;

namespace Chorus.Gateway.Sessions;

/// <summary>
/// What a session tells its users when it ends on its own: what happened and what to do. Built from categories only
/// (a failure's kind, a close action), never from an exception's text, so no key, token or URL can reach a channel.
/// </summary>
public static class SessionNotices
{
    public static SessionEnding GeminiFailed(GeminiFailureKind kind) => SessionEnding.Failure(SessionEndReason.GeminiFailed, kind switch
    {
        GeminiFailureKind.InvalidCredentials =>
            "I lost my connection to Gemini (the API key was refused). Ask an admin to check the bot's Gemini key; then /join again.",
        GeminiFailureKind.QuotaExhausted =>
            "I lost my connection to Gemini (the API quota is used up). Try /join again later, or ask an admin to check the key's quota and billing.",
        GeminiFailureKind.ModelUnavailable =>
            "I lost my connection to Gemini (the model is not available). Ask an admin to choose another model; then /join again.",
        GeminiFailureKind.InvalidRequest =>
            "I lost my connection to Gemini (it refused the conversation's setup). Ask an admin to check the bot's settings; then /join again.",
        _ => "I lost my connection to Gemini and could not get it back. Try /join again in a moment.",
    });

    public static SessionEnding VoiceClosed(VoiceConnectionClosed closed, ulong? voiceChannelId)
    {
        ArgumentNullException.ThrowIfNull(closed);
        return closed.Action == VoiceCloseAction.Disconnected
            ? Disconnected(voiceChannelId)
            : SessionEnding.Failure(SessionEndReason.VoiceLost,
                $"I lost my connection to {Channel(voiceChannelId)} and could not get it back. Use /join to bring me back.");
    }

    public static SessionEnding Disconnected(ulong? voiceChannelId) => SessionEnding.Failure(SessionEndReason.Disconnected,
        $"I was disconnected from {Channel(voiceChannelId)}, so the conversation ended. Use /join to bring me back.");

    public static SessionEnding ChannelDeleted() => SessionEnding.Failure(SessionEndReason.ChannelDeleted,
        "The voice channel I was in was deleted, so the conversation ended. Use /join in another channel to start again.");

    public static SessionEnding LeaseLost() => SessionEnding.Failure(SessionEndReason.LeaseLost,
        "The conversation ended: the bot's cluster no longer had a record of it. Use /join to start again.");

    public static SessionEnding TimeLimit(int maxSessionMinutes, ulong? voiceChannelId) => SessionEnding.Failure(SessionEndReason.TimeLimit,
        $"This conversation reached this server's limit of {Minutes(maxSessionMinutes)}, so I left {Channel(voiceChannelId)}. Thanks for talking! Use /join to start a new one.");

    public static SessionEnding BudgetReached(decimal dailyBudgetUsd, ulong? voiceChannelId) => SessionEnding.Failure(SessionEndReason.BudgetReached,
        string.Create(CultureInfo.InvariantCulture,
            $"This server has used today's conversation budget (${dailyBudgetUsd:0.00}), so I left {Channel(voiceChannelId)}. It resets at midnight UTC; /usage shows what was used."));

    public static string TimeLimitWarning(int maxSessionMinutes, TimeSpan left) =>
        $"{Capitalized(Duration(left))} left: this conversation ends at this server's limit of {Minutes(maxSessionMinutes)}. Use /join afterwards to start a new one.";

    private static string Channel(ulong? channelId) => channelId is ulong id ? $"<#{id}>" : "the voice channel";

    private static string Minutes(int minutes) => minutes == 1 ? "1 minute" : string.Create(CultureInfo.InvariantCulture, $"{minutes} minutes");

    private static string Duration(TimeSpan span)
    {
        if (span >= TimeSpan.FromMinutes(1) && span.Seconds == 0)
        {
            var minutes = (int)span.TotalMinutes;
            return minutes == 1 ? "one minute" : string.Create(CultureInfo.InvariantCulture, $"{minutes} minutes");
        }

        var seconds = Math.Max(1, (int)Math.Round(span.TotalSeconds));
        return seconds == 1 ? "one second" : string.Create(CultureInfo.InvariantCulture, $"{seconds} seconds");
    }

    private static string Capitalized(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));
}
