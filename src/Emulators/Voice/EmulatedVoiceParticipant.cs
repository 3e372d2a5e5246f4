using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Chorus.Emulators.Voice;

/// <summary>One user in one guild's call: a network client or a scripted user.</summary>
internal sealed class EmulatedVoiceParticipant(ulong guildId, ulong userId)
{
    public ulong GuildId { get; } = guildId;
    public ulong UserId { get; } = userId;
    public string SessionId { get; set; } = "";
    public uint Ssrc { get; set; }
    public EmulatedRtpCrypto? Crypto { get; set; }
    public IPEndPoint? UdpEndpoint { get; set; }
    public uint NonceCounter { get; set; }
    public int RelayedCount { get; set; }
    public int Seq { get; set; }
    public int LastSeqAck { get; set; } = -1;
    public List<(int Seq, string Json)> Sent { get; } = [];
    public WebSocket? Socket { get; set; }
    public HttpContext? Context { get; set; }
    public SemaphoreSlim SendLock { get; } = new(1, 1);
    public bool Invalidated { get; set; }
    public bool Joined { get; set; }
    public bool Announced { get; set; }
    public int SpeakingFlags { get; set; }
    public int Identifies { get; set; }
    public int Resumes { get; set; }
    public int MaxDaveVersion { get; set; }
    public ScriptedVoiceUser? Scripted { get; set; }
}
