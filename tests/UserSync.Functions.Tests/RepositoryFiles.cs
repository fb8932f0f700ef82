using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>Where the deployable configuration lives, relative to the repository root.</summary>
internal static class RepositoryFiles
{
    public static string Root => PostgresCluster.RepositoryRoot;

    public static string HostJson => Path.Combine(Root, "host.json");

    public static string FunctionsDirectory => Path.Combine(Root, "src", "UserSync.Functions", "functions");

    /// <summary>SchemaStore's schemas, beside the repository (CI keeps a read-only copy of shared/ there).</summary>
    public static string SchemasDirectory => Path.GetFullPath(Path.Combine(Root, "..", "shared", "schemas"));

    public static IReadOnlyList<FunctionDefinition> Functions =>
        Directory.GetDirectories(FunctionsDirectory)
            .Order(StringComparer.Ordinal)
            .Select(FunctionDefinition.Load)
            .ToList();

    public static FunctionDefinition Function(string name) => FunctionDefinition.Load(Path.Combine(FunctionsDirectory, name));
}
