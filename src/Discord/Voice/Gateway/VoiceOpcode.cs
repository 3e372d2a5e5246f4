namespace Chorus.Discord.Voice.Gateway;

/// <summary>Voice gateway v8 opcodes.</summary>
public static class VoiceOpcode
{
    /// <summary>Op 0 Identify (client): server id, user id, session id, token, max DAVE version.</summary>
    public const int Identify = 0;
    /// <summary>Op 1 Select Protocol (client): our discovered address and the encryption mode.</summary>
    public const int SelectProtocol = 1;
    /// <summary>Op 2 Ready (server): SSRC, UDP address and the encryption modes offered.</summary>
    public const int Ready = 2;
    /// <summary>Op 3 Heartbeat (client): nonce and seq_ack.</summary>
    public const int Heartbeat = 3;
    /// <summary>Op 4 Session Description (server): the transport key, mode and DAVE protocol version.</summary>
    public const int SessionDescription = 4;
    /// <summary>Op 5 Speaking (both): speaking flags, and from the server the SSRC of a user.</summary>
    public const int Speaking = 5;
    /// <summary>Op 6 Heartbeat ACK (server): echoes the heartbeat nonce.</summary>
    public const int HeartbeatAck = 6;
    /// <summary>Op 7 Resume (client): server id, session id, token and seq_ack.</summary>
    public const int Resume = 7;
    /// <summary>Op 8 Hello (server): the heartbeat interval in ms.</summary>
    public const int Hello = 8;
    /// <summary>Op 9 Resumed (server): the resume succeeded.</summary>
    public const int Resumed = 9;
    /// <summary>Op 11 Clients Connect (server): user ids that joined the call.</summary>
    public const int ClientsConnect = 11;
    /// <summary>Op 13 Client Disconnect (server): a user left the call.</summary>
    public const int ClientDisconnect = 13;
    /// <summary>Op 21 DAVE Prepare Transition (server, JSON): a transition id and protocol version to switch to.</summary>
    public const int DavePrepareTransition = 21;
    /// <summary>Op 22 DAVE Execute Transition (server, JSON): switch now.</summary>
    public const int DaveExecuteTransition = 22;
    /// <summary>Op 23 DAVE Transition Ready (client, JSON): ready for the transition id.</summary>
    public const int DaveTransitionReady = 23;
    /// <summary>Op 24 DAVE Prepare Epoch (server, JSON): a new MLS group or protocol version is coming.</summary>
    public const int DavePrepareEpoch = 24;
    /// <summary>Op 25 DAVE MLS External Sender (server, binary): the delivery service's ExternalSender.</summary>
    public const int DaveMlsExternalSender = 25;
    /// <summary>Op 26 DAVE MLS Key Package (client, binary): our KeyPackage.</summary>
    public const int DaveMlsKeyPackage = 26;
    /// <summary>Op 27 DAVE MLS Proposals (server, binary): proposals to append, or references to revoke.</summary>
    public const int DaveMlsProposals = 27;
    /// <summary>Op 28 DAVE MLS Commit Welcome (client, binary): our commit, and a Welcome when it adds members.</summary>
    public const int DaveMlsCommitWelcome = 28;
    /// <summary>Op 29 DAVE MLS Announce Commit Transition (server, binary): the commit everyone applies, with a transition id.</summary>
    public const int DaveMlsAnnounceCommitTransition = 29;
    /// <summary>Op 30 DAVE MLS Welcome (server, binary): a Welcome for us, with a transition id.</summary>
    public const int DaveMlsWelcome = 30;
    /// <summary>Op 31 DAVE MLS Invalid Commit Welcome (client, JSON): the commit or Welcome failed; asks to be re-added.</summary>
    public const int DaveMlsInvalidCommitWelcome = 31;

    /// <summary>JSON DAVE ops handed to the DAVE handler.</summary>
    public static bool IsDaveJson(int op) => op is DavePrepareTransition or DaveExecuteTransition or DavePrepareEpoch;
}
