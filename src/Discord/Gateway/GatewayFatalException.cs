namespace Chorus.Discord.Gateway;

/// <summary>The gateway closed with a code that forbids reconnecting (bad token, intents, sharding, version).</summary>
public sealed class GatewayFatalException : Exception
{
    /// <summary>A fatal close of a shard.</summary>
    /// <param name="shardId">The shard that was closed.</param>
    /// <param name="closeCode">The gateway close code (4004 authentication failed, 4014 disallowed intents and the like).</param>
    public GatewayFatalException(int shardId, int closeCode)
        : base($"Discord gateway shard {shardId} closed with {closeCode} ({GatewayCloseCodes.Describe(closeCode)}); not reconnecting.")
    {
        ShardId = shardId;
        CloseCode = closeCode;
        Reason = GatewayCloseCodes.Describe(closeCode);
    }

    /// <summary>A fatal gateway failure without details.</summary>
    public GatewayFatalException()
    {
        Reason = string.Empty;
    }

    /// <summary>A fatal gateway failure.</summary>
    /// <param name="message">What failed; never contains the token.</param>
    public GatewayFatalException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>A fatal gateway failure caused by another exception.</summary>
    /// <param name="message">What failed; never contains the token.</param>
    /// <param name="innerException">The underlying exception.</param>
    public GatewayFatalException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>The shard that was closed.</summary>
    public int ShardId { get; }

    /// <summary>The gateway close code.</summary>
    public int CloseCode { get; }

    /// <summary>What the close code means, in words (the message, for the constructors without a close code).</summary>
    public string Reason { get; }
}
