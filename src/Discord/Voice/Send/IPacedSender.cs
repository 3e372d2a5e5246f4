namespace Chorus.Discord.Voice.Send;

/// <summary>Something the pacing clock drives once per 20 ms tick.</summary>
public interface IPacedSender
{
    /// <param name="scheduledAt">The tick's absolute deadline in Stopwatch ticks.</param>
    void OnTick(long scheduledAt);
}
