using YamlDotNet.RepresentationModel;

namespace Chorus.Silo.Tests;

/// <summary>The parts of <c>docker-compose config</c>'s output (the resolved file) that the compose test asserts.</summary>
internal sealed record ComposeShape(
    string Name, string? Image, string? Dockerfile, IReadOnlyList<string> HealthCheck, string? Restart, IReadOnlyList<string> Ports,
    IReadOnlyDictionary<string, string> Environment)
{
    public static List<ComposeShape> Parse(string config)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(config);
        stream.Load(reader);
        var services = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("services")];
        return [.. services.Children.Select(s => FromService(s.Key.ToString(), (YamlMappingNode)s.Value))];
    }

    private static ComposeShape FromService(string name, YamlMappingNode service)
    {
        string? Scalar(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
        YamlNode? Child(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        var dockerfile = Child(service, "build") is YamlMappingNode build ? Scalar(build, "dockerfile") : null;
        var health = Child(service, "healthcheck") is YamlMappingNode check && Child(check, "test") is YamlSequenceNode test
            ? test.Children.Select(t => t.ToString()).ToList()
            : [];
        var ports = Child(service, "ports") is YamlSequenceNode list ? list.Children.Select(p => p.ToString()).ToList() : [];
        var environment = Child(service, "environment") is YamlMappingNode env
            ? env.Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString())
            : [];
        return new ComposeShape(name, Scalar(service, "image"), dockerfile, health, Scalar(service, "restart"), ports, environment);
    }
}
