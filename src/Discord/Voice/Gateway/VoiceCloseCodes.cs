namespace Chorus.Discord.Voice.Gateway;

/// <summary>Voice close codes and what to do about each (brief §3.5).</summary>
internal static class VoiceCloseCodes
{
    public const int UnknownOpcode = 4001;
    public const int DecodeFailure = 4002;
    public const int NotAuthenticated = 4003;
    public const int AuthenticationFailed = 4004;
    public const int AlreadyAuthenticated = 4005;
    public const int SessionNoLongerValid = 4006;
    public const int SessionTimeout = 4009;
    public const int ServerNotFound = 4011;
    public const int UnknownProtocol = 4012;
    public const int Disconnected = 4014;
    public const int VoiceServerCrashed = 4015;
    public const int UnknownEncryptionMode = 4016;
    public const int DaveProtocolRequired = 4017;
    public const int BadRequest = 4020;
    public const int RateLimited = 4021;
    public const int CallTerminated = 4022;

    /// <param name="code">The close status, or null when the socket dropped without a close frame.</param>
    /// <param name="hadSession">Whether the session reached Ready, so there is something to resume.</param>
    public static VoiceCloseAction Classify(int? code, bool hadSession) => code switch
    {
        null or < 4000 => hadSession ? VoiceCloseAction.Resume : VoiceCloseAction.Rejoin,
        VoiceServerCrashed => hadSession ? VoiceCloseAction.Resume : VoiceCloseAction.Rejoin,
        AuthenticationFailed or SessionNoLongerValid or SessionTimeout or ServerNotFound => VoiceCloseAction.Rejoin,
        UnknownOpcode or DecodeFailure or NotAuthenticated or AlreadyAuthenticated or UnknownProtocol
            or UnknownEncryptionMode or BadRequest => VoiceCloseAction.RejoinOnce,
        Disconnected => VoiceCloseAction.Disconnected,
        DaveProtocolRequired or RateLimited or CallTerminated => VoiceCloseAction.GiveUp,
        _ => VoiceCloseAction.RejoinOnce,
    };
}
