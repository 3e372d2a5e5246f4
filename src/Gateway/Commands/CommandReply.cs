namespace Chorus.Gateway.Commands;

/// <summary>What a command answers; ephemeral unless the answer is meant for the whole channel.</summary>
public sealed record CommandReply(string Content, bool Ephemeral = true);
