namespace Chorus.Discord.Voice.Gateway;

/// <summary>Voice gateway v8 opcodes.</summary>
public static class VoiceOpcode
{
    public const int Identify = 0;
    public const int SelectProtocol = 1;
    public const int Ready = 2;
    public const int Heartbeat = 3;
    public const int SessionDescription = 4;
    public const int Speaking = 5;
    public const int HeartbeatAck = 6;
    public const int Resume = 7;
    public const int Hello = 8;
    public const int Resumed = 9;
    public const int ClientsConnect = 11;
    public const int ClientDisconnect = 13;
    public const int DavePrepareTransition = 21;
    public const int DaveExecuteTransition = 22;
    public const int DaveTransitionReady = 23;
    public const int DavePrepareEpoch = 24;
    public const int DaveMlsExternalSender = 25;
    public const int DaveMlsKeyPackage = 26;
    public const int DaveMlsProposals = 27;
    public const int DaveMlsCommitWelcome = 28;
    public const int DaveMlsAnnounceCommitTransition = 29;
    public const int DaveMlsWelcome = 30;
    public const int DaveMlsInvalidCommitWelcome = 31;

    /// <summary>JSON DAVE ops handed to the DAVE handler.</summary>
    public static bool IsDaveJson(int op) => op is DavePrepareTransition or DaveExecuteTransition or DavePrepareEpoch;
}
