namespace Chorus.Discord.Gateway;

internal sealed record GatewaySession(string SessionId, string ResumeUrl);
