using Microsoft.Extensions.Configuration;

namespace Chorus.Gateway.Hosting;

public static class ChorusConfiguration
{
    /// <summary>
    /// The Orleans service and cluster id every Chorus host uses unless told otherwise, so a silo, a gateway and the
    /// all-in-one process started with their defaults find each other.
    /// </summary>
    public const string DefaultClusterIdentity = "chorus";

    /// <summary>
    /// Orleans:ServiceId and Orleans:ClusterId default to <see cref="DefaultClusterIdentity"/>, below every other
    /// source (appsettings, environment, command line), for every clustering provider.
    /// </summary>
    public static IConfigurationBuilder AddClusterIdentityDefaults(this IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Orleans:ServiceId"] = DefaultClusterIdentity,
                ["Orleans:ClusterId"] = DefaultClusterIdentity,
            },
        });
        return builder;
    }

    /// <summary>
    /// Adds the well-known flat variables from the environment and from a <c>.env</c> file in
    /// <paramref name="directory"/>. The environment wins over the file, and both win over
    /// appsettings.json. The process environment is never modified.
    /// </summary>
    public static IConfigurationBuilder AddChorusVariables(
        this IConfigurationBuilder builder, string directory, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var fromFile = ReadDotEnv(Path.Combine(directory, ".env"));
        var env = environment ?? ReadEnvironment();
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (flat, key) in WellKnownVariables.ToConfigurationKeys)
        {
            if (env.TryGetValue(flat, out var value) && !string.IsNullOrEmpty(value))
            {
                mapped[key] = value;
            }
            else if (fromFile.TryGetValue(flat, out value) && !string.IsNullOrEmpty(value))
            {
                mapped[key] = value;
            }
        }
        return builder.AddInMemoryCollection(mapped);
    }

    /// <summary>The names (as a user would set them) of the secrets the bot cannot run without.</summary>
    public static IReadOnlyList<string> MissingSecrets(IConfiguration configuration)
    {
        var missing = new List<string>();
        foreach (var flat in new[] { WellKnownVariables.DiscordToken, WellKnownVariables.GeminiApiKey })
        {
            if (string.IsNullOrWhiteSpace(configuration[WellKnownVariables.ToConfigurationKeys[flat]]))
            {
                missing.Add(flat);
            }
        }
        return missing;
    }

    public static string DescribeMissing(IReadOnlyList<string> missing)
    {
        var lines = missing.Select(name => $"  {name}: {WellKnownVariables.SecretSources[name]}");
        return "Chorus cannot start: missing " + string.Join(" and ", missing) + ".\n" +
               string.Join('\n', lines) + "\n" +
               "Set them as environment variables, or copy .env.example to .env and fill them in.";
    }

    private static Dictionary<string, string?> ReadDotEnv(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        }

        return DotNetEnv.Env.NoEnvVars().Load(path)
            .GroupBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (string?)g.Last().Value, StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string?> ReadEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }
}
