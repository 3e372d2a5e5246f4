using Chorus.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Chorus.Silo.Tests;

/// <summary>
/// deploy/kubernetes, checked offline: no cluster and no schema validator is available here (kubeconform and kubeval
/// are in neither Debian nor npm), so the YAML is parsed and its shape asserted: every object well-formed, selectors
/// matching their pods, probes on /alive and /health at declared ports, Orleans' Kubernetes hosting wired (RBAC, pod
/// labels and downward-API variables), gateways on disjoint shard ranges that never overlap during a rollout, and secrets
/// only by reference.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(ComposeFileTests.RepositoryRoot(), "deploy", "kubernetes");

    [Fact]
    public void Kustomization_lists_every_manifest_but_the_secret_example()
    {
        var kustomization = Documents("kustomization.yaml").Single();
        var resources = Sequence(kustomization, "resources").Select(r => r.ToString()).ToList();
        var files = Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Where(f => f is not "kustomization.yaml" and not "secret.example.yaml").ToList();

        Assert.Equal(files.Order(), resources.Order());
        Assert.DoesNotContain("secret.example.yaml", resources);
        Assert.All(resources, r => Assert.True(File.Exists(Path.Combine(Folder, r)), r));
    }

    [Fact]
    public void Every_object_is_well_formed_and_every_workload_selects_its_own_pods_and_probes_declared_ports()
    {
        var objects = AllObjects();
        Assert.NotEmpty(objects);
        foreach (var o in objects)
        {
            Assert.False(string.IsNullOrEmpty(Scalar(o, "apiVersion")), "an object without apiVersion");
            Assert.False(string.IsNullOrEmpty(Scalar(o, "kind")), "an object without kind");
            Assert.False(string.IsNullOrEmpty(Scalar(o, "metadata", "name")), $"a {Scalar(o, "kind")} without a name");
        }

        foreach (var workload in objects.Where(o => Scalar(o, "kind") is "Deployment" or "StatefulSet"))
        {
            var name = Scalar(workload, "metadata", "name");
            var selector = Map(workload, "spec", "selector", "matchLabels");
            var labels = Map(workload, "spec", "template", "metadata", "labels");
            Assert.All(selector.Children, s => Assert.Equal(s.Value.ToString(), labels.Children[s.Key].ToString()));
            foreach (var container in Sequence(workload, "spec", "template", "spec", "containers").Cast<YamlMappingNode>())
            {
                Assert.False(string.IsNullOrEmpty(Scalar(container, "image")), $"{name}: a container without an image");
                var ports = Sequence(container, "ports").Cast<YamlMappingNode>().Select(p => Scalar(p, "name")).ToList();
                Assert.True(container.Children.ContainsKey("livenessProbe"), $"{name}: no liveness probe");
                Assert.True(container.Children.ContainsKey("readinessProbe"), $"{name}: no readiness probe");
                foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Where(p => container.Children.ContainsKey(p)))
                {
                    if (Find(container, probe, "httpGet") is YamlMappingNode http)
                    {
                        Assert.Contains(Scalar(http, "port"), ports);
                    }
                }
            }
        }

        // Every Service selects some workload's pods.
        foreach (var service in objects.Where(o => Scalar(o, "kind") == "Service"))
        {
            var selector = Map(service, "spec", "selector");
            Assert.Contains(objects.Where(o => Scalar(o, "kind") is "Deployment" or "StatefulSet"), w =>
                selector.Children.All(s => Map(w, "spec", "template", "metadata", "labels").Children.TryGetValue(s.Key, out var v) && v.ToString() == s.Value.ToString()));
        }
    }

    [Fact]
    public void Silos_use_orleans_kubernetes_hosting_with_its_labels_variables_and_rbac_and_probe_alive_and_health()
    {
        var objects = AllObjects();
        var silo = objects.Single(o => Scalar(o, "kind") == "Deployment" && Scalar(o, "metadata", "name") == "silo");
        Assert.True(int.Parse(Scalar(silo, "spec", "replicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
        var labels = Map(silo, "spec", "template", "metadata", "labels");
        Assert.True(labels.Children.ContainsKey("orleans/serviceId"));
        Assert.True(labels.Children.ContainsKey("orleans/clusterId"));

        var container = (YamlMappingNode)Sequence(silo, "spec", "template", "spec", "containers").Single();
        var env = Environment(container);
        foreach (var name in new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" })
        {
            Assert.True(env.ContainsKey(name), $"the silo has no {name}");
        }

        Assert.Equal("Silo", env["Chorus__Mode"]);
        Assert.Equal("Redis", env["Orleans__Clustering__ProviderType"]);
        Assert.Equal("Redis", env["Orleans__GrainStorage__Default__ProviderType"]);
        Assert.Equal("/alive", Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/health", Scalar(container, "readinessProbe", "httpGet", "path"));

        // The switch in the silo reads exactly the variables the manifest sets.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["POD_NAME"] = "silo-0",
            ["POD_NAMESPACE"] = "chorus",
        }).Build();
        Assert.True(SiloConfiguration.RunsInKubernetesPod(configuration));
        Assert.False(SiloConfiguration.RunsInKubernetesPod(new ConfigurationBuilder().Build()));

        // Its service account may list and watch pods (what the hosting package asks the API server).
        var account = Scalar(silo, "spec", "template", "spec", "serviceAccountName");
        var binding = objects.Single(o => Scalar(o, "kind") == "RoleBinding"
            && Sequence(o, "subjects").Cast<YamlMappingNode>().Any(s => Scalar(s, "name") == account));
        var role = objects.Single(o => Scalar(o, "kind") == "Role" && Scalar(o, "metadata", "name") == Scalar(binding, "roleRef", "name"));
        var rule = Sequence(role, "rules").Cast<YamlMappingNode>().Single(r => Sequence(r, "resources").Any(x => x.ToString() == "pods"));
        var verbs = Sequence(rule, "verbs").Select(v => v.ToString()).ToList();
        Assert.Contains("list", verbs);
        Assert.Contains("watch", verbs);
        Assert.Contains("delete", verbs);
    }

    [Fact]
    public void Gateways_cover_every_shard_once_roll_out_in_surge_order_and_take_secrets_by_reference()
    {
        var gateways = AllObjects().Where(o => Scalar(o, "kind") == "Deployment"
            && Scalar(o, "spec", "template", "metadata", "labels", "app.kubernetes.io/name") == "gateway").ToList();
        Assert.True(gateways.Count >= 2, "fewer than two gateways");

        var shards = new List<int>();
        var counts = new HashSet<string>();
        foreach (var gateway in gateways)
        {
            Assert.Equal("1", Scalar(gateway, "spec", "replicas"));
            // The new pod waits as the standby of the old one's shards and is handed them at its SIGTERM (one cut per
            // call); the lease grains keep the two from ever running a shard both. That needs a distinct id per pod.
            Assert.Equal("RollingUpdate", Scalar(gateway, "spec", "strategy", "type"));
            Assert.Equal("1", Scalar(gateway, "spec", "strategy", "rollingUpdate", "maxSurge"));
            Assert.Equal("0", Scalar(gateway, "spec", "strategy", "rollingUpdate", "maxUnavailable"));
            var container = (YamlMappingNode)Sequence(gateway, "spec", "template", "spec", "containers").Single();
            var gatewayId = Sequence(container, "env").Cast<YamlMappingNode>().Single(e => Scalar(e, "name") == "GATEWAY_ID");
            Assert.Equal("metadata.name", Scalar(gatewayId, "valueFrom", "fieldRef", "fieldPath"));
            var env = Environment(container);
            Assert.False(env.ContainsKey("DISCORD_TOKEN"), "the Discord token is written in the manifest");
            Assert.False(env.ContainsKey("GEMINI_API_KEY"), "the Gemini key is written in the manifest");
            Assert.Contains(Sequence(container, "envFrom").Cast<YamlMappingNode>(), e => Scalar(e, "secretRef", "name") == "chorus-secrets");
            Assert.Equal("/alive", Scalar(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal("/health", Scalar(container, "readinessProbe", "httpGet", "path"));
            counts.Add(env["SHARD_COUNT"]);
            var (ids, _) = Chorus.Discord.Gateway.ShardSetOptions.Parse(env["SHARD_IDS"], env["SHARD_COUNT"]);
            shards.AddRange(ids!);
        }

        var count = int.Parse(Assert.Single(counts), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(0, count), shards.Order());
        Assert.Contains("DISCORD_TOKEN", File.ReadAllText(Path.Combine(Folder, "secret.example.yaml")));
    }

    private static List<YamlMappingNode> AllObjects() =>
        [.. Directory.GetFiles(Folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").SelectMany(f => Documents(Path.GetFileName(f)))];

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(Folder, file)));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    private static Dictionary<string, string> Environment(YamlMappingNode container) =>
        Sequence(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name")!, e => Scalar(e, "value") ?? "(from a reference)");

    private static YamlNode? Find(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    private static string? Scalar(YamlNode node, params string[] path) => (Find(node, path) as YamlScalarNode)?.Value;

    private static YamlMappingNode Map(YamlNode node, params string[] path) =>
        Find(node, path) as YamlMappingNode ?? throw new Xunit.Sdk.XunitException($"no mapping at {string.Join('.', path)}");

    private static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) => (Find(node, path) as YamlSequenceNode)?.Children ?? [];
}
