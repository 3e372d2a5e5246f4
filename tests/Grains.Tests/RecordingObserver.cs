using System.Threading.Channels;
using Chorus.Grains.Sessions;
using Chorus.Grains.Settings;

namespace Chorus.Grains.Tests;

/// <summary>A gateway-side observer that records what the grain pushed, for tests to await.</summary>
internal sealed class RecordingObserver : IVoiceSessionObserver
{
    public Channel<string> LeaveReasons { get; } = Channel.CreateUnbounded<string>();

    public Channel<GuildSettings> Settings { get; } = Channel.CreateUnbounded<GuildSettings>();

    public Task OnLeaveRequestedAsync(long guildId, string reason) => LeaveReasons.Writer.WriteAsync(reason).AsTask();

    public Task OnSettingsChangedAsync(long guildId, GuildSettings settings) => Settings.Writer.WriteAsync(settings).AsTask();
}
