using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.Fuzz;

/// <summary>
/// Structure-aware JSON mutations: pick a value anywhere in a valid message and replace it with a value of another
/// type, an extreme number, a long or escaped string, nesting deeper than any reader allows, or another message's
/// value; remove or rename a property; then sometimes damage the bytes too (truncation, flips).
/// </summary>
internal static class JsonMutator
{
    private const string Slot = "__chorus_fuzz_slot__";

    private static readonly string[] Replacements =
    [
        "null", "true", "false", "0", "-1", "1.5", "-0", "1e400", "-1e400", "2147483648", "-2147483649", "9223372036854775808",
        "18446744073709551616", "340282366920938463463374607431768211456", "\"\"", "\"0\"", "\"-1\"", "\"18446744073709551616\"",
        "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\\"\"", "{}", "[]", "[null]", "{\"\":null}", "[1,2,3]", "\"AAAA\"", "\"!!!!\"",
        "\"QUJD\"", "\"QUJDRA==\"", "\"=\"", "\"A\"",
    ];

    public static byte[] Mutate(Random random, byte[] seed, IReadOnlyList<byte[]> seeds)
    {
        if (random.Next(10) == 0)
        {
            return ByteMutator.Mutate(random, seed, seeds);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(seed);
        }
        catch (System.Text.Json.JsonException)
        {
            return ByteMutator.Mutate(random, seed, seeds);
        }

        var text = Encoding.UTF8.GetString(seed);
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations && root is not null; i++)
        {
            try
            {
                text = MutateOnce(random, root, seeds);
                root = JsonNode.Parse(text);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
            {
                // A replacement the node model cannot carry (a lone surrogate, nesting past its depth): keep the text so far.
                break;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > ByteMutator.MaxLength)
        {
            bytes = bytes[..ByteMutator.MaxLength];
        }

        return random.Next(5) == 0 ? ByteMutator.Mutate(random, bytes, seeds) : bytes;
    }

    private static string MutateOnce(Random random, JsonNode root, IReadOnlyList<byte[]> seeds)
    {
        var nodes = new List<(JsonNode? Parent, string? Key, int Index)>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return root.ToJsonString();
        }

        var (parent, key, index) = nodes[random.Next(nodes.Count)];
        var choice = random.Next(10);
        if (parent is JsonObject obj && key is not null && choice == 0)
        {
            obj.Remove(key);
            return root.ToJsonString();
        }

        if (parent is JsonObject renamed && key is not null && choice == 1)
        {
            var value = renamed[key];
            renamed.Remove(key);
            renamed[random.Next(2) == 0 ? key + "_" : key.ToUpperInvariant()] = value;
            return root.ToJsonString();
        }

        Set(parent, key, index, JsonValue.Create(Slot));
        var serialized = root.ToJsonString();
        return serialized.Replace("\"" + Slot + "\"", Replacement(random, seeds), StringComparison.Ordinal);
    }

    private static string Replacement(Random random, IReadOnlyList<byte[]> seeds)
    {
        switch (random.Next(8))
        {
            case 0:
                var depth = random.Next(2) == 0 ? 63 + random.Next(4) : 200;
                return new string('[', depth) + new string(']', depth);
            case 1:
                return "\"" + new string((char)('a' + random.Next(26)), random.Next(2) == 0 ? 300 : 5000) + "\"";
            case 2:
                // Another message's subtree (or all of it): valid shapes in the wrong place.
                return Encoding.UTF8.GetString(seeds[random.Next(seeds.Count)]);
            case 3:
                return random.NextInt64(long.MinValue, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                return Replacements[random.Next(Replacements.Length)];
        }
    }

    private static void Collect(JsonNode? node, List<(JsonNode? Parent, string? Key, int Index)> nodes)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    nodes.Add((obj, key, -1));
                    Collect(child, nodes);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    nodes.Add((array, null, i));
                    Collect(array[i], nodes);
                }

                break;
        }
    }

    private static void Set(JsonNode? parent, string? key, int index, JsonNode value)
    {
        if (parent is JsonObject obj && key is not null)
        {
            obj[key] = value;
        }
        else if (parent is JsonArray array)
        {
            array[index] = value;
        }
    }
}
