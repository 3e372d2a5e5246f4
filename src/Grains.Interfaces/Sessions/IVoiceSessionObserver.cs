namespace Chorus.Grains.Sessions;

/// <summary>What a session grain pushes to the gateway process that owns the session.</summary>
[Alias("chorus.IVoiceSessionObserver")]
public interface IVoiceSessionObserver : IGrainObserver
{
    [Alias("OnLeaveRequested")]
    Task OnLeaveRequestedAsync(long guildId, string reason);

    [Alias("OnSettingsChanged")]
    Task OnSettingsChangedAsync(long guildId, Settings.GuildSettings settings);
}
