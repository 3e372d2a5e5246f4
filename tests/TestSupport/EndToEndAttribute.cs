using Xunit.v3;

namespace Chorus.TestSupport;

/// <summary>
/// Marks a test class (or test) as end-to-end: it opens sockets (emulators, Kestrel, UDP), starts processes (redis,
/// node, a silo), or runs an Orleans test cluster. Such tests carry the trait Category=EndToEnd; the unit suite is
/// <c>dotnet test Chorus.slnx --filter "Category!=EndToEnd"</c> and stays free of processes and network.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class EndToEndAttribute : Attribute, ITraitAttribute
{
    public const string Category = "Category";

    public const string Value = "EndToEnd";

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new(Category, Value)];
}
