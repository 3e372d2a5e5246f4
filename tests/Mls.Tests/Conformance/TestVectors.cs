using System.Text.Json;

namespace Chorus.Mls.Tests.Conformance;

/// <summary>Loads the RFC 9420 test vectors vendored in tests/Mls.Tests/TestVectors and copied beside the test assembly.</summary>
internal static class TestVectors
{
    private static readonly Lazy<string> Folder = new(Locate);
    private static readonly Dictionary<string, JsonElement[]> Cache = [];
    private static readonly Lock CacheLock = new();

    private static string Locate()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestVectors");
        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException(
                $"MLS test vectors missing: expected folder {folder} (copied from tests/Mls.Tests/TestVectors by the build).");
        }

        return folder;
    }

    public static JsonElement[] Load(string name)
    {
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(name, out var entries))
            {
                var path = Path.Combine(Folder.Value, name + ".json");
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"MLS test vector file missing: {path}.");
                }

                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                entries = document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
                if (entries.Length == 0)
                {
                    throw new InvalidOperationException($"MLS test vector file {path} is empty.");
                }

                Cache[name] = entries;
            }

            return entries;
        }
    }

    public static TheoryData<int> Indexes(string name)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Load(name).Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static byte[] Hex(this JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static bool IsNull(this JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null;
}
