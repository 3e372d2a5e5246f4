using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Chorus.Emulators.Discord;

public sealed partial class DiscordEmulator
{
    private const int MaxInboundMessageBytes = 64 * 1024;

    private async Task HandleGatewayAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new EmulatedGatewayConnection(socket);
        lock (_stateLock)
        {
            _connections.Add(connection);
        }

        GatewayConnects.Add(Now);
        try
        {
            if (SuppressHello)
            {
                await ReceiveGatewayAsync(connection).ConfigureAwait(false);
                return;
            }

            await connection.SendAsync(new JsonObject
            {
                ["op"] = 10,
                ["d"] = new JsonObject { ["heartbeat_interval"] = Options.HeartbeatIntervalMs },
                ["s"] = null,
                ["t"] = null,
            }.ToJsonString()).ConfigureAwait(false);
            await ReceiveGatewayAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A dropped client is a normal event here.
        }
        finally
        {
            lock (_stateLock)
            {
                _connections.Remove(connection);
                if (connection.Session is { } session && session.Connection == connection)
                {
                    session.Connection = null;
                }
            }
        }
    }

    private async Task ReceiveGatewayAsync(EmulatedGatewayConnection connection)
    {
        var buffer = new byte[MaxInboundMessageBytes];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    await connection.CloseAsync(4002, "Decode error").ConfigureAwait(false);
                    return;
                }

                result = await connection.Socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                var code = (int?)connection.Socket.CloseStatus;
                if (code is 1000 or 1001 && connection.Session is { } closing)
                {
                    // A clean close ends the session: the bot goes offline and cannot resume.
                    lock (_stateLock)
                    {
                        _sessions.Remove(closing.Id);
                    }
                }

                await connection.CloseAsync(code ?? 1000, string.Empty).ConfigureAwait(false);
                return;
            }

            var now = Now;
            connection.Received.Enqueue(now);
            while (connection.Received.Count > 0 && now - connection.Received.Peek() >= TimeSpan.FromMinutes(1))
            {
                connection.Received.Dequeue();
            }

            if (connection.Received.Count > Options.ClientMessagesPerMinute)
            {
                await connection.CloseAsync(4008, "Rate limited.").ConfigureAwait(false);
                return;
            }

            JsonObject? frame;
            try
            {
                frame = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length)) as JsonObject;
            }
            catch (JsonException)
            {
                frame = null;
            }

            int? op = frame?["op"] is JsonValue opValue && opValue.TryGetValue(out int parsed) ? parsed : null;
            if (frame is null || op is null)
            {
                await connection.CloseAsync(4002, "Decode error").ConfigureAwait(false);
                return;
            }

            var keepOpen = op switch
            {
                1 => await OnHeartbeatAsync(connection, frame).ConfigureAwait(false),
                2 => await OnIdentifyAsync(connection, frame["d"] as JsonObject).ConfigureAwait(false),
                4 => await OnVoiceStateCommandAsync(connection, frame["d"] as JsonObject).ConfigureAwait(false),
                6 => await OnResumeAsync(connection, frame["d"] as JsonObject).ConfigureAwait(false),
                3 or 8 => true,
                _ => await CloseWithAsync(connection, 4001, "Unknown opcode").ConfigureAwait(false),
            };
            if (!keepOpen)
            {
                return;
            }
        }
    }

    private static async Task<bool> CloseWithAsync(EmulatedGatewayConnection connection, int code, string reason)
    {
        await connection.CloseAsync(code, reason).ConfigureAwait(false);
        return false;
    }

    private async Task<bool> OnHeartbeatAsync(EmulatedGatewayConnection connection, JsonObject frame)
    {
        long? seq = frame["d"] is JsonValue value && value.TryGetValue(out long s) ? s : null;
        var ack = !StopAcking;
        if (ack)
        {
            await connection.SendAsync("{\"op\":11,\"d\":null,\"s\":null,\"t\":null}").ConfigureAwait(false);
        }

        Heartbeats.Add(new HeartbeatRecord(seq, ack));
        return true;
    }

    private async Task<bool> OnIdentifyAsync(EmulatedGatewayConnection connection, JsonObject? data)
    {
        if (connection.Session is not null)
        {
            return await CloseWithAsync(connection, 4005, "Already authenticated").ConfigureAwait(false);
        }

        var token = data?["token"]?.GetValue<string>();
        var intents = data?["intents"]?.GetValue<int>() ?? 0;
        var shard = data?["shard"] as JsonArray;
        var shardId = shard?[0]?.GetValue<int>() ?? 0;
        var shardCount = shard?[1]?.GetValue<int>() ?? 1;
        var tokenValid = string.Equals(token, Options.Token, StringComparison.Ordinal);
        var sessionId = Guid.NewGuid().ToString("N");
        Identifies.Add(new IdentifyRecord(sessionId, shardId, shardCount, intents, tokenValid) { At = Now });
        if (!tokenValid)
        {
            return await CloseWithAsync(connection, 4004, "Authentication failed.").ConfigureAwait(false);
        }

        if (!TryTakeIdentifySlot(shardId))
        {
            // Discord's answer to an identify past the bucket's concurrency is op 9, not resumable (no start is taken).
            IdentifiesTooSoon.Add(new IdentifyRecord(sessionId, shardId, shardCount, intents, tokenValid) { At = Now });
            await connection.SendAsync("{\"op\":9,\"d\":false,\"s\":null,\"t\":null}").ConfigureAwait(false);
            return true;
        }

        if (!TryTakeSessionStart())
        {
            // Discord resets the token of a bot that identifies past its daily session-start budget; every later
            // identify with it fails authentication.
            SessionStartBudgetOverrun = true;
            return await CloseWithAsync(connection, 4004, "Authentication failed.").ConfigureAwait(false);
        }

        if ((intents & Options.DisallowedIntents) != 0)
        {
            return await CloseWithAsync(connection, 4014, "Disallowed intent(s).").ConfigureAwait(false);
        }

        if (shardCount < 1 || shardId < 0 || shardId >= shardCount)
        {
            return await CloseWithAsync(connection, 4010, "Invalid shard.").ConfigureAwait(false);
        }

        var session = new EmulatedSession(sessionId, shardId, shardCount, intents);
        List<ulong> replacedVoice;
        lock (_stateLock)
        {
            // A new session on the shard replaces the one the bot joined voice from: Discord ends those voice
            // connections (voice close 4014) and the bot is in no channel until the new session joins again. The
            // sessions told of it are the old ones: the new one starts without the bot in those channels.
            replacedVoice = [.. _guilds.Keys.Where(id => session.Owns(id) && _botVoiceSessions.ContainsKey(id))];
            foreach (var guildId in replacedVoice)
            {
                _botVoiceSessions.Remove(guildId);
            }
        }

        foreach (var guildId in replacedVoice)
        {
            VoiceEndedByReidentify.Add(guildId);
            await Options.VoiceServers.DisconnectAsync(guildId, Options.BotUserId, 4014).ConfigureAwait(false);
            await SetVoiceStateAsync(guildId, Options.BotUserId, null, sessionId, false, false).ConfigureAwait(false);
        }

        List<EmulatedGuild> owned;
        lock (_stateLock)
        {
            _sessions[sessionId] = session;
            session.Connection = connection;
            connection.Session = session;
            owned = [.. _guilds.Values.Where(g => session.Owns(g.Id))];
        }

        var ready = new JsonObject
        {
            ["v"] = 10,
            ["user"] = UserJson(Options.BotUserId, Options.BotUsername, bot: true),
            ["guilds"] = new JsonArray([.. owned.Select(g => (JsonNode)new JsonObject { ["id"] = Id(g.Id), ["unavailable"] = true })]),
            ["session_id"] = sessionId,
            ["session_type"] = "normal",
            ["resume_gateway_url"] = GatewayUrl,
            ["shard"] = new JsonArray(shardId, shardCount),
            ["application"] = new JsonObject { ["id"] = Id(Options.ApplicationId), ["flags"] = 0 },
            ["private_channels"] = new JsonArray(),
            ["relationships"] = new JsonArray(),
            ["user_settings"] = new JsonObject(),
            ["presences"] = new JsonArray(),
            ["guild_join_requests"] = new JsonArray(),
            ["geo_ordered_rtc_regions"] = new JsonArray("us-east"),
        };
        await DispatchAsync(session, "READY", ready).ConfigureAwait(false);
        foreach (var guild in owned)
        {
            await DispatchAsync(session, "GUILD_CREATE", GuildJson(guild)).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<bool> OnResumeAsync(EmulatedGatewayConnection connection, JsonObject? data)
    {
        var token = data?["token"]?.GetValue<string>();
        var sessionId = data?["session_id"]?.GetValue<string>();
        var seq = data?["seq"] is JsonValue seqValue && seqValue.TryGetValue(out long s) ? s : -1;
        EmulatedSession? session;
        lock (_stateLock)
        {
            session = sessionId is null ? null : _sessions.GetValueOrDefault(sessionId);
            if (RefuseResumes && session is not null)
            {
                _sessions.Remove(session.Id);
                session = null;
            }
        }

        if (!string.Equals(token, Options.Token, StringComparison.Ordinal))
        {
            Resumes.Add(new ResumeRecord(sessionId ?? string.Empty, seq, false, 0));
            return await CloseWithAsync(connection, 4004, "Authentication failed.").ConfigureAwait(false);
        }

        if (session is null || seq < 0 || seq > session.Sequence)
        {
            Resumes.Add(new ResumeRecord(sessionId ?? string.Empty, seq, false, 0));
            await connection.SendAsync("{\"op\":9,\"d\":false,\"s\":null,\"t\":null}").ConfigureAwait(false);
            return true;
        }

        var replayed = 0;
        await session.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_stateLock)
            {
                if (session.Connection is { } previous && previous != connection)
                {
                    previous.Socket.Abort();
                }

                session.Connection = connection;
                connection.Session = session;
            }

            foreach ((var eventSeq, var json) in session.Log.Where(e => e.Seq > seq).ToList())
            {
                await connection.SendAsync(json).ConfigureAwait(false);
                SentDispatches.Add((session.Id, EventNameOf(json), eventSeq));
                replayed++;
            }
        }
        finally
        {
            session.Gate.Release();
        }

        Resumes.Add(new ResumeRecord(session.Id, seq, true, replayed));
        await DispatchAsync(session, "RESUMED", new JsonObject()).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> OnVoiceStateCommandAsync(EmulatedGatewayConnection connection, JsonObject? data)
    {
        if (connection.Session is not { } session)
        {
            return await CloseWithAsync(connection, 4003, "Not authenticated.").ConfigureAwait(false);
        }

        if (data?["guild_id"] is null || !ulong.TryParse(data["guild_id"]!.GetValue<string>(), out var guildId))
        {
            return await CloseWithAsync(connection, 4002, "Decode error").ConfigureAwait(false);
        }

        ulong? channelId = data["channel_id"] is JsonValue channelValue && ulong.TryParse(channelValue.GetValue<string>(), out var c) ? c : null;
        var selfMute = data["self_mute"]?.GetValue<bool>() ?? false;
        var selfDeaf = data["self_deaf"]?.GetValue<bool>() ?? false;
        VoiceStateCommands.Add(new VoiceStateCommandRecord(guildId, channelId, selfMute, selfDeaf));
        bool known;
        lock (_stateLock)
        {
            known = _guilds.ContainsKey(guildId) && session.Owns(guildId);
        }

        if (!known)
        {
            // Discord ignores voice updates for guilds the shard does not own.
            return true;
        }

        if (channelId is ulong joined)
        {
            var request = new VoiceJoinRequest(guildId, joined, Options.BotUserId, session.Id);
            // Every op 4, also one for the channel the bot is already in, gets a fresh pair: that is how a client
            // whose voice session ended (4006, 4009...) obtains new credentials. The provider issues a new token
            // (and, for the voice emulator, a new voice session id) each time, and the old ones stop working.
            var assignment = Options.VoiceServers.Assign(request);
            var rejoin = GetVoiceChannel(guildId, Options.BotUserId) == joined;
            if (rejoin)
            {
                // Discord promises no order between the two dispatches: here the server update comes first, so a
                // client that pairs it with the voice state it already has (the old session id) fails to identify.
                await SendVoiceServerUpdateAsync(guildId, assignment.Endpoint, assignment.Token).ConfigureAwait(false);
                await SetVoiceStateAsync(guildId, Options.BotUserId, channelId, assignment.SessionId ?? session.Id, selfMute, selfDeaf).ConfigureAwait(false);
            }
            else
            {
                await SetVoiceStateAsync(guildId, Options.BotUserId, channelId, assignment.SessionId ?? session.Id, selfMute, selfDeaf).ConfigureAwait(false);
                await SendVoiceServerUpdateAsync(guildId, assignment.Endpoint, assignment.Token).ConfigureAwait(false);
            }

            VoiceJoins.Add(request);
            lock (_stateLock)
            {
                _botVoiceSessions[guildId] = session.Id;
            }
        }
        else
        {
            lock (_stateLock)
            {
                _botVoiceSessions.Remove(guildId);
            }

            await SetVoiceStateAsync(guildId, Options.BotUserId, null, session.Id, selfMute, selfDeaf).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Numbers, logs and (if connected) sends one dispatch on one session.</summary>
    private async Task DispatchAsync(EmulatedSession session, string eventName, JsonNode data)
    {
        await session.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var seq = ++session.Sequence;
            var json = new JsonObject { ["op"] = 0, ["t"] = eventName, ["s"] = seq, ["d"] = data.DeepClone() }.ToJsonString();
            session.Append(seq, json);
            EmulatedGatewayConnection? connection;
            lock (_stateLock)
            {
                connection = session.Connection;
            }

            if (connection is not null)
            {
                await connection.SendAsync(json).ConfigureAwait(false);
                SentDispatches.Add((session.Id, eventName, seq));
            }
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async Task DispatchToGuildAsync(ulong guildId, string eventName, JsonNode data)
    {
        List<EmulatedSession> sessions;
        lock (_stateLock)
        {
            sessions = [.. _sessions.Values.Where(s => s.Owns(guildId))];
        }

        foreach (var session in sessions)
        {
            await DispatchAsync(session, eventName, data).ConfigureAwait(false);
        }
    }

    private static string EventNameOf(string json) =>
        JsonNode.Parse(json)?["t"]?.GetValue<string>() ?? string.Empty;
}
