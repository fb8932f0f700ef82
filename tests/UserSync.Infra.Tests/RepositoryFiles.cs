namespace UserSync.Infra.Tests;

/// <summary>Where the files the tests read live: found by walking up from the test binaries to the solution.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");

    /// <summary>
    /// The function app's functions.metadata in its build output (this project references the app,
    /// without its assembly, so building the tests builds the app in the same configuration).
    /// </summary>
    public static string FunctionsMetadata
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
            return Path.Combine(Root, "src", "UserSync.Functions", "bin", testOutput.Parent!.Name, testOutput.Name, "functions.metadata");
        }
    }

    /// <summary>The projects deployed in the function app, whose sources say which settings they read (the CLI is not deployed).</summary>
    public static IReadOnlyList<string> DeployedSourceDirectories { get; } =
    [
        Path.Combine(Root, "src", "UserSync.Core"),
        Path.Combine(Root, "src", "UserSync.Alerts"),
        Path.Combine(Root, "src", "UserSync.Functions"),
    ];

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UserSync.Functions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("UserSync.Functions.sln not found above " + AppContext.BaseDirectory);
    }
}
