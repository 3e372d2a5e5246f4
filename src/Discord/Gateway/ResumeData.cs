namespace Chorus.Discord.Gateway;

internal sealed record ResumeData
{
    public required string Token { get; init; }

    public required string SessionId { get; init; }

    public required long Seq { get; init; }

    public override string ToString() => $"ResumeData {{ SessionId = {SessionId}, Seq = {Seq} }}";
}
