namespace Chorus.Discord.Gateway;

public sealed record IdentifyProperties(string Os, string Browser, string Device);
