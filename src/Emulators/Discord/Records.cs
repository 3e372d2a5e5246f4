using System.Text.Json.Nodes;

namespace Chorus.Emulators.Discord;

public sealed record IdentifyRecord(string SessionId, int ShardId, int ShardCount, int Intents, bool TokenValid)
{
    /// <summary>Emulator clock (same as <see cref="RestRequestRecord.At"/>).</summary>
    public TimeSpan At { get; init; }
}

public sealed record ResumeRecord(string SessionId, long Seq, bool Accepted, int Replayed);

public sealed record HeartbeatRecord(long? Seq, bool Acked);

public sealed record VoiceStateCommandRecord(ulong GuildId, ulong? ChannelId, bool SelfMute, bool SelfDeaf);

public sealed record RestRequestRecord(string Method, string Path, string? Authorization, string Body, TimeSpan At, int Status);

public enum InteractionReplyKind
{
    Callback,
    EditOriginal,
    Followup,
}

public sealed record InteractionReplyRecord(InteractionReplyKind Kind, string Token, ulong? InteractionId, JsonNode? Body)
{
    public int? CallbackType => Body?["type"]?.GetValue<int>();

    public string? Content => (Kind == InteractionReplyKind.Callback ? Body?["data"]?["content"] : Body?["content"])?.GetValue<string>();

    public int Flags => (Kind == InteractionReplyKind.Callback ? Body?["data"]?["flags"] : Body?["flags"])?.GetValue<int>() ?? 0;
}

public sealed record ChannelMessageRecord(ulong ChannelId, JsonNode? Body);

public sealed record CommandRegistrationRecord(ulong ApplicationId, ulong? GuildId, JsonArray Commands);

public sealed record EmulatedInteraction(ulong Id, string Token, ulong GuildId, ulong ChannelId, ulong UserId, string CommandName);

/// <summary>A scripted REST failure: the next matching requests get 429 (or another status).</summary>
public sealed record RestFaultRule(string PathContains, int Status, double RetryAfterSeconds, bool Global)
{
    public int Remaining { get; set; } = 1;
}
