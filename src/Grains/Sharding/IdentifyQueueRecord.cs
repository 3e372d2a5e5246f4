namespace Chorus.Grains.Sharding;

/// <summary>The persisted identify queue: when each bucket admits its next identify, and the window's session starts.</summary>
[GenerateSerializer, Alias("chorus.IdentifyQueueRecord")]
public sealed class IdentifyQueueRecord
{
    [Id(0)] public Dictionary<int, DateTimeOffset> NextSlot { get; set; } = [];
    [Id(1)] public int? Remaining { get; set; }
    [Id(2)] public DateTimeOffset? ResetsAt { get; set; }
}
