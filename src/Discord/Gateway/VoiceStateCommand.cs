using System.Text.Json.Serialization;

namespace Chorus.Discord.Gateway;

/// <summary>Op 4 data; channel_id null (written explicitly) means leave.</summary>
internal sealed record VoiceStateCommand
{
    public required ulong GuildId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ulong? ChannelId { get; init; }

    public bool SelfMute { get; init; }

    public bool SelfDeaf { get; init; }
}
