namespace Chorus.Discord.Gateway;

/// <summary>The gateway closed with a code that forbids reconnecting (bad token, intents, sharding, version).</summary>
public sealed class GatewayFatalException : Exception
{
    public GatewayFatalException(int shardId, int closeCode)
        : base($"Discord gateway shard {shardId} closed with {closeCode} ({GatewayCloseCodes.Describe(closeCode)}); not reconnecting.")
    {
        ShardId = shardId;
        CloseCode = closeCode;
        Reason = GatewayCloseCodes.Describe(closeCode);
    }

    public GatewayFatalException()
    {
        Reason = string.Empty;
    }

    public GatewayFatalException(string message)
        : base(message)
    {
        Reason = message;
    }

    public GatewayFatalException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public int ShardId { get; }

    public int CloseCode { get; }

    public string Reason { get; }
}
