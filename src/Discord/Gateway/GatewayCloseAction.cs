namespace Chorus.Discord.Gateway;

internal enum GatewayCloseAction
{
    /// <summary>Reconnect to the resume URL and send op 6.</summary>
    Resume,

    /// <summary>Drop the session, reconnect to the gateway URL and identify again.</summary>
    Identify,

    /// <summary>Do not reconnect: configuration or credentials are wrong.</summary>
    Fatal,
}
