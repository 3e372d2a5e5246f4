namespace Chorus.Discord.Voice.Send;

/// <summary>
/// Something the pacing clock drives on its own 20 ms phase. A sender starts when it wakes its
/// <see cref="PacingSlot"/> (its phase begins at that instant), is called every period from then on, and goes idle
/// when it has nothing left to send.
/// </summary>
public interface IPacedSender
{
    /// <summary>Sends what is due.</summary>
    /// <param name="scheduledAt">This call's absolute deadline in ticks of the pacing clock's <see cref="TimeProvider"/> (phase start + n periods).</param>
    /// <returns>True to be called again one period later; false to go idle until it wakes its slot again.</returns>
    bool OnTick(long scheduledAt);

    /// <summary>The clock hands over the sender's slot on register, and null on unregister.</summary>
    void AttachTo(PacingSlot? slot)
    {
    }
}
