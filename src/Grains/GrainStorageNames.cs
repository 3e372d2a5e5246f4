namespace Chorus.Grains;

public static class GrainStorageNames
{
    /// <summary>Orleans' default provider name; configured per deployment (SQLite, Redis, memory in tests).</summary>
    public const string Default = "Default";
}
