using System.Reflection;
using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests;

/// <summary>The function app's build output (built before these tests by the project reference): what the stand-in runs.</summary>
internal static class FunctionAppBuild
{
    public static string Directory { get; } = Environment.GetEnvironmentVariable("DEV_APP") ?? Path.Combine(PostgresCluster.RepositoryRoot, "src", "UserSync.Functions", "bin",
        typeof(FunctionAppBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", "net10.0");
}
