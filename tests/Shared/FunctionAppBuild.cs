using System.Reflection;

namespace UserSync.Testing;

/// <summary>
/// The function app's build output, what the host stand-in runs: test projects that use it build
/// src/UserSync.Functions first through a project reference that is not referenced as an assembly.
/// </summary>
public static class FunctionAppBuild
{
    public static string Directory { get; } = Path.Combine(PostgresCluster.RepositoryRoot, "src", "UserSync.Functions", "bin",
        typeof(FunctionAppBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "net10.0");
}
