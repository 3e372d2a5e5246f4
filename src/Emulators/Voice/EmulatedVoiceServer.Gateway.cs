using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Chorus.Emulators.Voice;

// The voice gateway side: handshake in the order of brief §6.4, sequenced messages, buffered resume, scripted closes.
public sealed partial class EmulatedVoiceServer
{
    /// <summary>
    /// Closes a user's gateway socket with <paramref name="code"/>. 4006 ends the voice session as Discord does: its
    /// session id and token are revoked (a resume or an identify with them is closed with 4006 again; only the fresh
    /// ones of a new op 4 get in), and the others see the user leave the call (op 13, and a DAVE remove commit).
    /// 4014 removes the user.
    /// </summary>
    public async Task CloseClientAsync(ulong guildId, ulong userId, int code, CancellationToken cancellationToken = default)
    {
        EmulatedVoiceParticipant? p;
        var wasJoined = false;
        lock (_gate)
        {
            _participants.TryGetValue((guildId, userId), out p);
            if (p is null)
            {
                return;
            }

            if (code == 4006)
            {
                p.Invalidated = true;
                _revokedSessions.Add(p.SessionId);
                if (_credentials.TryGetValue((guildId, userId), out var current) && current.SessionId == p.SessionId)
                {
                    _credentials.Remove((guildId, userId));
                }

                wasJoined = p.Joined;
                p.Joined = false;
                // Its transport keys die with the session: nothing it sends is relayed, nothing is relayed to it.
                p.Crypto?.Dispose();
                p.Crypto = null;
                p.UdpEndpoint = null;
            }
        }
        var socket = p.Socket;
        if (code == 4014)
        {
            await LeaveAsync(p).ConfigureAwait(false);
        }
        else if (wasJoined)
        {
            await LeaveCallAsync(p).ConfigureAwait(false);
        }

        if (socket is null)
        {
            return;
        }

        await p.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, "scripted close", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            p.SendLock.Release();
        }
    }

    /// <summary>Drops a user's gateway TCP connection without a close frame (the client sees 1006).</summary>
    public void DropClient(ulong guildId, ulong userId)
    {
        lock (_gate)
        {
            if (_participants.TryGetValue((guildId, userId), out var p))
            {
                AbortQuietly(p.Context);
            }
        }
    }

    /// <summary>Sends an arbitrary text frame to a user (to feed clients unknown ops or garbage).</summary>
    public async Task SendRawAsync(ulong guildId, ulong userId, string text)
    {
        EmulatedVoiceParticipant? p;
        lock (_gate)
        {
            _participants.TryGetValue((guildId, userId), out p);
        }

        if (p is not null)
        {
            await SendTextAsync(p, text).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a server-to-client binary frame: seq (u16, big-endian) ‖ opcode ‖ payload, as DAVE ops 25/27/29/30 travel.</summary>
    public async Task SendBinaryAsync(ulong guildId, ulong userId, byte opcode, byte[] payload)
    {
        EmulatedVoiceParticipant? p;
        lock (_gate)
        {
            _participants.TryGetValue((guildId, userId), out p);
        }

        if (p is not null)
        {
            await SendBinaryFrameAsync(p, opcode, payload).ConfigureAwait(false);
        }
    }

    private async Task SendBinaryFrameAsync(EmulatedVoiceParticipant p, byte opcode, byte[] payload)
    {
        var socket = p.Socket;
        if (socket is null)
        {
            return;
        }

        byte[] frame;
        lock (_gate)
        {
            p.Seq++;
            frame = new byte[3 + payload.Length];
            frame[0] = (byte)(p.Seq >> 8);
            frame[1] = (byte)p.Seq;
            frame[2] = opcode;
            payload.CopyTo(frame, 3);
        }
        await p.SendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            p.SendLock.Release();
        }
    }

    /// <summary>The seq_ack of the user's latest heartbeat (-1 before any).</summary>
    public int LastSeqAck(ulong guildId, ulong userId)
    {
        lock (_gate)
        {
            return _participants.TryGetValue((guildId, userId), out var p) ? p.LastSeqAck : -1;
        }
    }

    /// <summary>The user's latest sequence number sent.</summary>
    public int LastSeq(ulong guildId, ulong userId)
    {
        lock (_gate)
        {
            return _participants.TryGetValue((guildId, userId), out var p) ? p.Seq : -1;
        }
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || context.Request.Query["v"] != "8")
        {
            context.Response.StatusCode = 400;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var connection = new ConnectionState(socket, context);
        await SendUnsequencedAsync(connection, 8, new JsonObject { ["heartbeat_interval"] = Options.HeartbeatIntervalMs }).ConfigureAwait(false);
        var buffer = new byte[64 * 1024];
        EmulatedVoiceParticipant? participant = null;
        var clientClosedNormally = false;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), _stop.Token).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && length < buffer.Length);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    clientClosedNormally = result.CloseStatus == WebSocketCloseStatus.NormalClosure && participant?.Socket == socket;
                    break;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    // Client DAVE ops 26/28: opcode ‖ payload.
                    if (participant is not null && length >= 1 && NegotiatedDaveVersion(participant) >= 1)
                    {
                        await DaveReceiveAsync(participant, buffer[0], buffer.AsSpan(1, length - 1).ToArray(), isJson: false).ConfigureAwait(false);
                    }
                    else
                    {
                        Interlocked.Increment(ref Counters._unknownOpcodes);
                        Changed?.Invoke();
                    }

                    continue;
                }
                participant = await HandleMessageAsync(connection, participant, buffer.AsMemory(0, length)).ConfigureAwait(false) ?? participant;
                Changed?.Invoke();
                if (connection.Closed)
                {
                    // Give the client a moment to answer our close frame so it sees a clean close code.
                    using var drain = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    drain.CancelAfter(TimeSpan.FromSeconds(2));
                    await socket.ReceiveAsync(new ArraySegment<byte>(buffer), drain.Token).ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ConnectionAbortedException or IOException)
        {
        }
        finally
        {
            if (participant is not null)
            {
                lock (_gate)
                {
                    if (participant.Socket == socket)
                    {
                        participant.Socket = null;
                        participant.Context = null;
                    }
                }
                if (clientClosedNormally)
                {
                    await LeaveAsync(participant).ConfigureAwait(false);
                }

                Changed?.Invoke();
            }
        }
    }

    private sealed class ConnectionState(WebSocket socket, HttpContext context)
    {
        public WebSocket Socket { get; } = socket;
        public HttpContext Context { get; } = context;
        public SemaphoreSlim SendLock { get; } = new(1, 1);
        public bool Closed { get; set; }
    }

    private async Task<EmulatedVoiceParticipant?> HandleMessageAsync(ConnectionState connection, EmulatedVoiceParticipant? participant, ReadOnlyMemory<byte> message)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(message.Span);
        }
        catch (JsonException)
        {
            await CloseAsync(connection, 4002, "decode error").ConfigureAwait(false);
            return null;
        }
        var op = root?["op"]?.GetValue<int>() ?? -1;
        var d = root?["d"];
        switch (op)
        {
            case 0:
                return await IdentifyAsync(connection, d!).ConfigureAwait(false);
            case 7:
                return await ResumeAsync(connection, d!).ConfigureAwait(false);
            case 3:
                if (participant is not null)
                {
                    participant.LastSeqAck = d?["seq_ack"]?.GetValue<int>() ?? -1;
                }

                if (Options.AckHeartbeats && !StopAckingHeartbeats)
                {
                    await SendUnsequencedAsync(connection, 6, new JsonObject { ["t"] = d?["t"]?.DeepClone() }).ConfigureAwait(false);
                }

                return null;
            case 1 when participant is not null:
                await SelectProtocolAsync(connection, participant, d!).ConfigureAwait(false);
                return null;
            case 5 when participant is not null:
                var flags = d?["speaking"]?.GetValue<int>() ?? 0;
                participant.SpeakingFlags = flags;
                Interlocked.Increment(ref Counters._clientSpeaking);
                await BroadcastSpeakingAsync(participant, flags).ConfigureAwait(false);
                return null;
            case 23 or 31 when participant is not null && d is not null && NegotiatedDaveVersion(participant) >= 1:
                await DaveReceiveAsync(participant, op, Encoding.UTF8.GetBytes(d.ToJsonString()), isJson: true).ConfigureAwait(false);
                return null;
            default:
                Interlocked.Increment(ref Counters._unknownOpcodes);
                return null;
        }
    }

    private async Task<EmulatedVoiceParticipant?> IdentifyAsync(ConnectionState connection, JsonNode d)
    {
        var guildId = ulong.Parse(d["server_id"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var userId = ulong.Parse(d["user_id"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var sessionId = d["session_id"]!.GetValue<string>();
        var token = d["token"]!.GetValue<string>();
        var maxDave = d["max_dave_protocol_version"]?.GetValue<int>() ?? 0;
        if (Options.RequireDave && maxDave < 1)
        {
            await CloseAsync(connection, 4017, "E2EE/DAVE protocol required").ConfigureAwait(false);
            return null;
        }
        EmulatedVoiceParticipant participant;
        bool valid;
        bool revoked;
        lock (_gate)
        {
            revoked = _revokedSessions.Contains(sessionId);
            valid = !revoked && _credentials.TryGetValue((guildId, userId), out var expected) && expected.SessionId == sessionId && expected.Token == token;
            if (valid)
            {
                if (!_participants.TryGetValue((guildId, userId), out participant!) || participant.Scripted is not null)
                {
                    participant = new EmulatedVoiceParticipant(guildId, userId);
                    _participants[(guildId, userId)] = participant;
                }
                var oldSocketContext = participant.Context;
                if (participant.Ssrc != 0)
                {
                    _bySsrc.Remove(participant.Ssrc);
                }

                participant.Ssrc = _nextSsrc++;
                _bySsrc[participant.Ssrc] = participant;
                participant.SessionId = sessionId;
                participant.Invalidated = false;
                participant.Joined = false;
                participant.Announced = false;
                participant.Crypto?.Dispose();
                participant.Crypto = null;
                participant.UdpEndpoint = null;
                participant.Seq = 0;
                participant.Sent.Clear();
                participant.Identifies++;
                participant.MaxDaveVersion = maxDave;
                participant.Socket = connection.Socket;
                participant.Context = connection.Context;
                if (oldSocketContext is not null && oldSocketContext != connection.Context)
                {
                    AbortQuietly(oldSocketContext);
                }
            }
            else
            {
                participant = null!;
            }
        }
        if (!valid)
        {
            Interlocked.Increment(ref Counters._rejectedIdentifies);
            // Discord's answer to a session it ended is 4006; to credentials it never issued, 4004.
            await CloseAsync(connection, revoked ? 4006 : 4004, revoked ? "session no longer valid" : "authentication failed").ConfigureAwait(false);
            return null;
        }
        Interlocked.Increment(ref Counters._identifies);
        var modes = new JsonArray([.. Options.Modes.Select(m => (JsonNode)JsonValue.Create(m)!)]);
        await SendSequencedAsync(participant, 2, new JsonObject
        {
            ["ssrc"] = participant.Ssrc,
            ["ip"] = "127.0.0.1",
            ["port"] = UdpPort,
            ["modes"] = modes,
            ["heartbeat_interval"] = 1, // Discord's value here is bogus too; clients must use Hello's.
        }).ConfigureAwait(false);
        return participant;
    }

    private async Task<EmulatedVoiceParticipant?> ResumeAsync(ConnectionState connection, JsonNode d)
    {
        var guildId = ulong.Parse(d["server_id"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var sessionId = d["session_id"]!.GetValue<string>();
        var token = d["token"]!.GetValue<string>();
        var seqAck = d["seq_ack"]?.GetValue<int>() ?? -1;
        EmulatedVoiceParticipant? participant;
        List<string> replay = [];
        lock (_gate)
        {
            participant = _revokedSessions.Contains(sessionId)
                ? null
                : _participants.Values.FirstOrDefault(p => p.GuildId == guildId && p.SessionId == sessionId && p.Scripted is null);
            var tokenOk = participant is not null && _credentials.TryGetValue((guildId, participant.UserId), out var expected) && expected.Token == token;
            if (participant is null || !tokenOk || participant.Invalidated || !participant.Joined)
            {
                participant = null;
            }
            else
            {
                AbortQuietly(participant.Context);
                participant.Socket = connection.Socket;
                participant.Context = connection.Context;
                participant.Resumes++;
                // A resumed session starts not speaking: the client announces itself again with op 5 (as
                // @discordjs/voice does after op 9), so a client that assumes the old state shows here.
                participant.SpeakingFlags = 0;
                replay.AddRange(participant.Sent.Where(m => m.Seq > seqAck).Select(m => m.Json));
            }
        }
        if (participant is null)
        {
            Interlocked.Increment(ref Counters._rejectedResumes);
            await CloseAsync(connection, 4006, "session no longer valid").ConfigureAwait(false);
            return null;
        }
        Interlocked.Increment(ref Counters._resumes);
        await SendUnsequencedAsync(connection, 9, null).ConfigureAwait(false);
        foreach (var json in replay)
        {
            await SendTextAsync(participant, json).ConfigureAwait(false);
        }

        return participant;
    }

    private async Task SelectProtocolAsync(ConnectionState connection, EmulatedVoiceParticipant participant, JsonNode d)
    {
        var data = d["data"];
        var mode = data?["mode"]?.GetValue<string>() ?? "";
        if (!Options.Modes.Contains(mode))
        {
            await CloseAsync(connection, 4016, "unknown encryption mode").ConfigureAwait(false);
            return;
        }
        var address = data!["address"]!.GetValue<string>();
        var port = data["port"]!.GetValue<int>();
        var key = RandomNumberGenerator.GetBytes(32);
        lock (_gate)
        {
            participant.Crypto?.Dispose();
            participant.Crypto = new EmulatedRtpCrypto(mode, key);
            participant.UdpEndpoint = new IPEndPoint(IPAddress.Parse(address), port);
            participant.NonceCounter = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        }
        await SendSequencedAsync(participant, 4, new JsonObject
        {
            ["mode"] = mode,
            ["secret_key"] = new JsonArray([.. key.Select(b => (JsonNode)JsonValue.Create((int)b)!)]),
            ["dave_protocol_version"] = NegotiatedDaveVersion(participant),
            ["audio_codec"] = "opus",
            ["media_session_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        }).ConfigureAwait(false);
        participant.Joined = true;
        await AnnounceJoinAsync(participant, announceSsrc: true).ConfigureAwait(false);
        if (NegotiatedDaveVersion(participant) >= 1)
        {
            await DaveJoinAsync(participant).ConfigureAwait(false);
        }
    }

    /// <summary>Tells the newcomer about everyone (op 11, op 5 for announced SSRCs) and everyone about the newcomer.</summary>
    private async Task AnnounceJoinAsync(EmulatedVoiceParticipant newcomer, bool announceSsrc)
    {
        var others = Others(newcomer).Where(o => o.Joined).ToList();
        if (newcomer.Scripted is null && others.Count > 0)
        {
            await SendSequencedAsync(newcomer, 11, new JsonObject { ["user_ids"] = new JsonArray([.. others.Select(o => (JsonNode)JsonValue.Create(Id(o.UserId))!)]) }).ConfigureAwait(false);
            foreach (var other in others.Where(o => o.Announced))
            {
                await SendSequencedAsync(newcomer, 5, SpeakingPayload(other, 1)).ConfigureAwait(false);
            }
        }
        newcomer.Announced = announceSsrc;
        foreach (var other in others.Where(o => o.Scripted is null))
        {
            await SendSequencedAsync(other, 11, new JsonObject { ["user_ids"] = new JsonArray(JsonValue.Create(Id(newcomer.UserId))) }).ConfigureAwait(false);
            if (announceSsrc)
            {
                await SendSequencedAsync(other, 5, SpeakingPayload(newcomer, 1)).ConfigureAwait(false);
            }
        }
        NotifyScriptedDaveClients(newcomer.GuildId);
    }

    internal async Task BroadcastSpeakingAsync(EmulatedVoiceParticipant speaker, int flags)
    {
        speaker.Announced = true;
        foreach (var other in Others(speaker).Where(o => o.Scripted is null && o.Joined))
        {
            await SendSequencedAsync(other, 5, SpeakingPayload(speaker, flags)).ConfigureAwait(false);
        }
    }

    private async Task LeaveAsync(EmulatedVoiceParticipant participant)
    {
        bool removed;
        lock (_gate)
        {
            removed = _participants.TryGetValue((participant.GuildId, participant.UserId), out var current) && current == participant;
            if (removed)
            {
                _participants.Remove((participant.GuildId, participant.UserId));
                _bySsrc.Remove(participant.Ssrc);
            }
        }
        if (!removed)
        {
            return;
        }

        foreach (var other in Others(participant).Where(o => o.Scripted is null && o.Joined))
        {
            await SendSequencedAsync(other, 13, new JsonObject { ["user_id"] = Id(participant.UserId) }).ConfigureAwait(false);
        }

        NotifyScriptedDaveClients(participant.GuildId);
        await DaveLeaveAsync(participant).ConfigureAwait(false);
    }

    /// <summary>
    /// The participant is out of the call but keeps its record (counters, SSRC history) for a later identify: the
    /// others get op 13, and the DAVE group removes its leaf.
    /// </summary>
    private async Task LeaveCallAsync(EmulatedVoiceParticipant participant)
    {
        foreach (var other in Others(participant).Where(o => o.Scripted is null && o.Joined))
        {
            await SendSequencedAsync(other, 13, new JsonObject { ["user_id"] = Id(participant.UserId) }).ConfigureAwait(false);
        }

        NotifyScriptedDaveClients(participant.GuildId);
        await DaveLeaveAsync(participant).ConfigureAwait(false);
    }

    private static JsonObject SpeakingPayload(EmulatedVoiceParticipant p, int flags) =>
        new() { ["user_id"] = Id(p.UserId), ["ssrc"] = p.Ssrc, ["speaking"] = flags };

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task SendSequencedAsync(EmulatedVoiceParticipant participant, int op, JsonNode? d)
    {
        string json;
        lock (_gate)
        {
            participant.Seq++;
            json = new JsonObject { ["op"] = op, ["d"] = d, ["seq"] = participant.Seq }.ToJsonString();
            participant.Sent.Add((participant.Seq, json));
            if (participant.Sent.Count > Options.ResumeBufferSize)
            {
                participant.Sent.RemoveAt(0);
            }
        }
        await SendTextAsync(participant, json).ConfigureAwait(false);
    }

    private async Task SendTextAsync(EmulatedVoiceParticipant participant, string json)
    {
        var socket = participant.Socket;
        if (socket is null)
        {
            return; // kept in the resume buffer
        }

        await participant.SendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            participant.SendLock.Release();
        }
    }

    private async Task SendUnsequencedAsync(ConnectionState connection, int op, JsonNode? d)
    {
        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["op"] = op, ["d"] = d }.ToJsonString());
        await connection.SendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (connection.Socket.State == WebSocketState.Open)
            {
                await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, true, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    private static async Task CloseAsync(ConnectionState connection, int code, string reason)
    {
        connection.Closed = true;
        try
        {
            await connection.Socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
        }
    }
}
