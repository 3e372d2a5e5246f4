namespace Chorus.Discord.Gateway;

/// <summary>Gateway close codes and what a client must do after each (docs table, with 4009 as a new session).</summary>
internal static class GatewayCloseCodes
{
    public const int UnknownError = 4000;
    public const int UnknownOpcode = 4001;
    public const int DecodeError = 4002;
    public const int NotAuthenticated = 4003;
    public const int AuthenticationFailed = 4004;
    public const int AlreadyAuthenticated = 4005;
    public const int InvalidSeq = 4007;
    public const int RateLimited = 4008;
    public const int SessionTimedOut = 4009;
    public const int InvalidShard = 4010;
    public const int ShardingRequired = 4011;
    public const int InvalidApiVersion = 4012;
    public const int InvalidIntents = 4013;
    public const int DisallowedIntents = 4014;

    /// <summary>Code we send when we close on purpose and want to resume (any code but 1000/1001 keeps the session).</summary>
    public const int ClosingToResume = 4200;

    public static GatewayCloseAction Classify(int? code) => code switch
    {
        AuthenticationFailed or InvalidShard or ShardingRequired or InvalidApiVersion or InvalidIntents or DisallowedIntents
            => GatewayCloseAction.Fatal,
        NotAuthenticated or AlreadyAuthenticated or InvalidSeq or RateLimited or SessionTimedOut or 1000
            => GatewayCloseAction.Identify,
        _ => GatewayCloseAction.Resume,
    };

    public static string Describe(int? code) => code switch
    {
        null => "connection lost without a close frame",
        UnknownError => "unknown error",
        UnknownOpcode => "unknown opcode sent",
        DecodeError => "decode error",
        NotAuthenticated => "not authenticated",
        AuthenticationFailed => "authentication failed: the bot token is invalid",
        AlreadyAuthenticated => "already authenticated",
        InvalidSeq => "invalid sequence number on resume",
        RateLimited => "rate limited: too many gateway events sent",
        SessionTimedOut => "session timed out",
        InvalidShard => "invalid shard",
        ShardingRequired => "sharding required: the bot has too many guilds for this shard count",
        InvalidApiVersion => "invalid API version",
        InvalidIntents => "invalid intents",
        DisallowedIntents => "disallowed intents: enable them in the developer portal or remove them",
        _ => "close code " + code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
