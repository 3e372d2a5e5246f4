namespace Chorus.LoadHarness;

/// <summary>
/// The bot's hosts in the repository's build output, in the harness's own configuration
/// (bench/Chorus.LoadHarness/bin/&lt;Configuration&gt;/&lt;tfm&gt;/ -> src/Silo/bin/&lt;Configuration&gt;/&lt;tfm&gt;/). Each host runs
/// from its own folder: beside the harness a gateway would miss what the ASP.NET Core shared framework gives the silo.
/// </summary>
internal static class BuildOutput
{
    public static string Silo => Find("Silo", "Chorus.Silo.dll");

    public static string Gateway => Find("Gateway", "Chorus.Gateway.dll");

    private static string Find(string project, string assembly)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", project, "bin", configuration, output.Name, assembly);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is not built: dotnet build -c {configuration} src/{project}");
    }
}
