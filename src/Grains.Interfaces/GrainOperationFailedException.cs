namespace Chorus.Grains;

/// <summary>
/// A grain call failed on the silo with an exception whose type the caller's process may not have (a storage provider's,
/// a grain implementation's). The silo logged the original; the caller gets this, which every process can read.
/// </summary>
[GenerateSerializer, Alias("chorus.GrainOperationFailed")]
public sealed class GrainOperationFailedException : Exception
{
    public GrainOperationFailedException()
    {
    }

    public GrainOperationFailedException(string message)
        : base(message)
    {
    }

    public GrainOperationFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The full name of the exception the silo logged.</summary>
    [Id(0)]
    public string FailureType { get; init; } = "";
}
