using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Chorus.Discord.Diagnostics;
using Chorus.Discord.Models;

namespace Chorus.Discord.Gateway;

public sealed partial class GatewayClient
{
    /// <summary>Parses one gateway message in place; everything hostile ends here as a counted, logged skip.</summary>
    internal FrameFollowUp ProcessFrame(GatewayConnection connection, ReadOnlySpan<byte> message)
    {
        if (!GatewayFrame.TryParse(message, out var frame, out var error))
        {
            CountMalformed(error ?? "invalid frame");
            return FrameFollowUp.None;
        }

        var op = frame.Opcode;
        var data = frame.Data;
        switch (op)
        {
            case (int)GatewayOpcode.Dispatch:
                if (frame.Sequence is long s)
                {
                    Interlocked.Exchange(ref _sequence, s);
                }

                if (frame.EventName.IsEmpty)
                {
                    CountMalformed("dispatch without an event name");
                    return FrameFollowUp.None;
                }

                _metrics.GatewayDispatches.Add(1);
                return Dispatch(connection, frame.EventName, data);
            case (int)GatewayOpcode.Heartbeat:
                return FrameFollowUp.HeartbeatNow;
            case (int)GatewayOpcode.HeartbeatAck:
                OnHeartbeatAck(connection);
                return FrameFollowUp.None;
            case (int)GatewayOpcode.Hello:
                var hello = Deserialize(data, DiscordJsonContext.Default.HelloData, "HELLO");
                if (hello is null || hello.HeartbeatInterval <= 0 || hello.HeartbeatInterval > int.MaxValue || connection.HeartbeatTask is not null)
                {
                    if (hello is not null)
                    {
                        CountMalformed("bad or repeated hello");
                    }

                    return FrameFollowUp.None;
                }

                connection.HeartbeatInterval = TimeSpan.FromMilliseconds(hello.HeartbeatInterval);
                return FrameFollowUp.Hello;
            case (int)GatewayOpcode.Reconnect:
                GatewayLog.ReconnectRequested(_logger, ShardId);
                connection.Request(_session is null ? GatewayCloseAction.Identify : GatewayCloseAction.Resume, "server requested reconnect (op 7)", TimeSpan.Zero);
                return FrameFollowUp.Close;
            case (int)GatewayOpcode.InvalidSession:
                var resumable = data.SequenceEqual("true"u8);
                _metrics.GatewayInvalidSessions.Add(1);
                GatewayLog.InvalidSession(_logger, ShardId, resumable);
                if (resumable && _session is not null)
                {
                    connection.Request(GatewayCloseAction.Resume, "invalid session (resumable)", TimeSpan.Zero);
                }
                else
                {
                    var min = _options.InvalidSessionMinDelay;
                    var spread = _options.InvalidSessionMaxDelay - min;
                    var delay = min + (spread > TimeSpan.Zero ? spread * Random.Shared.NextDouble() : TimeSpan.Zero);
                    connection.Request(GatewayCloseAction.Identify, "invalid session", delay);
                }

                return FrameFollowUp.Close;
            default:
                _metrics.GatewayMessagesDropped.Add(1, MetricTag.UnknownOpcode);
                GatewayLog.UnknownOpcode(_logger, ShardId, op);
                return FrameFollowUp.None;
        }
    }

    private T? Deserialize<T>(ReadOnlySpan<byte> data, JsonTypeInfo<T> typeInfo, string eventName)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(data, typeInfo);
            if (value is null)
            {
                CountMalformed(eventName + " without data");
            }
            else if (GatewayPayloadShape.Normalize(value) is { } whole)
            {
                return whole;
            }
            else
            {
                CountMalformed(eventName + ": null in a list");
            }

            return null;
        }
        catch (JsonException ex)
        {
            // The exception message names the JSON path, never payload contents.
            CountMalformed(eventName + ": " + ex.Message);
            return null;
        }
    }

    private FrameFollowUp Dispatch(GatewayConnection connection, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (eventName.SequenceEqual("READY"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.ReadyEvent, "READY") is { } ready)
            {
                OnReady(connection, ready);
            }
        }
        else if (eventName.SequenceEqual("RESUMED"u8))
        {
            connection.IsReady = true;
            _metrics.GatewayResumed.Add(1);
            GatewayLog.Resumed(_logger, ShardId, _session?.SessionId);
            RaiseResumed();
        }
        else if (eventName.SequenceEqual("GUILD_CREATE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.DiscordGuild, "GUILD_CREATE") is { } guild)
            {
                Cache.OnGuildCreate(guild);
                Raise(GuildCreated, guild, "GUILD_CREATE");
            }
        }
        else if (eventName.SequenceEqual("GUILD_DELETE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.UnavailableGuild, "GUILD_DELETE") is { } deleted)
            {
                Cache.OnGuildDelete(deleted.Id);
                Raise(GuildDeleted, deleted, "GUILD_DELETE");
            }
        }
        else if (eventName.SequenceEqual("VOICE_STATE_UPDATE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.DiscordVoiceState, "VOICE_STATE_UPDATE") is { } state)
            {
                Cache.OnVoiceState(state);
                Raise(VoiceStateUpdated, state, "VOICE_STATE_UPDATE");
            }
        }
        else if (eventName.SequenceEqual("VOICE_SERVER_UPDATE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.VoiceServerUpdateEvent, "VOICE_SERVER_UPDATE") is { } server)
            {
                Raise(VoiceServerUpdated, server, "VOICE_SERVER_UPDATE");
            }
        }
        else if (eventName.SequenceEqual("INTERACTION_CREATE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.Interaction, "INTERACTION_CREATE") is { } interaction)
            {
                Raise(InteractionCreated, interaction, "INTERACTION_CREATE");
            }
        }
        else if (eventName.SequenceEqual("CHANNEL_CREATE"u8) || eventName.SequenceEqual("CHANNEL_UPDATE"u8) || eventName.SequenceEqual("CHANNEL_DELETE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.DiscordChannel, "CHANNEL_*") is { } channel)
            {
                Cache.OnChannel(channel, deleted: eventName.SequenceEqual("CHANNEL_DELETE"u8));
                Raise(ChannelUpdated, channel, "CHANNEL_*");
            }
        }
        else if (eventName.SequenceEqual("GUILD_ROLE_CREATE"u8) || eventName.SequenceEqual("GUILD_ROLE_UPDATE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.GuildRoleEvent, "GUILD_ROLE_*") is { } role)
            {
                Cache.OnRole(role.GuildId, role.Role, null);
            }
        }
        else if (eventName.SequenceEqual("GUILD_ROLE_DELETE"u8))
        {
            if (Deserialize(data, DiscordJsonContext.Default.GuildRoleDeleteEvent, "GUILD_ROLE_DELETE") is { } roleDelete)
            {
                Cache.OnRole(roleDelete.GuildId, null, roleDelete.RoleId);
            }
        }
        else if (!IsKnownIgnoredEvent(eventName))
        {
            _metrics.GatewayMessagesDropped.Add(1, MetricTag.UnknownEvent);
            if (LogEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                // Bounded and printable only: the name comes off the wire.
                var name = Encoding.UTF8.GetString(eventName[..Math.Min(eventName.Length, 64)]);
                GatewayLog.UnknownEvent(_logger, ShardId, new string([.. name.Where(c => c is >= ' ' and < (char)127)]));
            }
        }

        return FrameFollowUp.None;
    }

    private static bool IsKnownIgnoredEvent(ReadOnlySpan<byte> eventName) =>
        eventName.SequenceEqual("GUILD_UPDATE"u8)
        || eventName.SequenceEqual("THREAD_CREATE"u8)
        || eventName.SequenceEqual("THREAD_UPDATE"u8)
        || eventName.SequenceEqual("THREAD_DELETE"u8)
        || eventName.SequenceEqual("THREAD_LIST_SYNC"u8)
        || eventName.SequenceEqual("CHANNEL_PINS_UPDATE"u8)
        || eventName.SequenceEqual("STAGE_INSTANCE_CREATE"u8)
        || eventName.SequenceEqual("STAGE_INSTANCE_UPDATE"u8)
        || eventName.SequenceEqual("STAGE_INSTANCE_DELETE"u8)
        || eventName.SequenceEqual("GUILD_SOUNDBOARD_SOUNDS_UPDATE"u8)
        || eventName.SequenceEqual("VOICE_CHANNEL_STATUS_UPDATE"u8);

    private void RaiseResumed()
    {
        try
        {
            Resumed?.Invoke();
        }
        catch (Exception ex)
        {
            GatewayLog.HandlerFailed(_logger, ex, ShardId, "RESUMED");
        }
    }

    private void OnReady(GatewayConnection connection, ReadyEvent ready)
    {
        _session = new GatewaySession(ready.SessionId, ready.ResumeGatewayUrl);
        UserId = ready.User.Id;
        ApplicationId = ready.Application?.Id;
        connection.IsReady = true;
        GatewayLog.Ready(_logger, ShardId, ready.SessionId, ready.Guilds.Count);
        _firstReady.TrySetResult();
        Raise(Ready, ready, "READY");
    }
}
