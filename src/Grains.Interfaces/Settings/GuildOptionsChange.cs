namespace Chorus.Grains.Settings;

/// <summary>
/// One edit of a guild's options: the fields that are set change, the others keep their stored value. The settings
/// grain applies it to what it holds, so two admins changing different options at once both keep their change.
/// </summary>
[GenerateSerializer, Immutable, Alias("chorus.GuildOptionsChange")]
public sealed record GuildOptionsChange
{
    [Id(0)] public bool? HalfDuplex { get; init; }

    [Id(1)] public bool? LocalBargeIn { get; init; }

    [Id(2)] public bool? GoogleSearch { get; init; }

    [Id(3)] public int? MaxSessionMinutes { get; init; }

    /// <summary>True to change the transcripts channel to <see cref="TranscriptChannelId"/> (null there: transcripts off).</summary>
    [Id(4)] public bool ChangesTranscriptChannel { get; init; }

    [Id(5)] public ulong? TranscriptChannelId { get; init; }

    /// <summary>Who may stop or move the bot; <see cref="ControlRoleId"/> goes with <see cref="SessionControlPolicy.Role"/>.</summary>
    [Id(6)] public SessionControlPolicy? ControlPolicy { get; init; }

    [Id(7)] public ulong? ControlRoleId { get; init; }

    /// <summary>The options after this change; a policy other than <see cref="SessionControlPolicy.Role"/> forgets the role.</summary>
    public GuildOptions ApplyTo(GuildOptions current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var next = current with
        {
            HalfDuplex = HalfDuplex ?? current.HalfDuplex,
            LocalBargeIn = LocalBargeIn ?? current.LocalBargeIn,
            GoogleSearch = GoogleSearch ?? current.GoogleSearch,
            MaxSessionMinutes = MaxSessionMinutes ?? current.MaxSessionMinutes,
            TranscriptChannelId = ChangesTranscriptChannel ? TranscriptChannelId : current.TranscriptChannelId,
        };
        return ControlPolicy is { } policy
            ? next with { ControlPolicy = policy, ControlRoleId = policy == SessionControlPolicy.Role ? ControlRoleId : null }
            : next;
    }
}
