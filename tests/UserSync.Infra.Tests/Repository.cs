using UserSync.Infra.Tests.Azd;
using UserSync.Infra.Tests.Bicep;
using UserSync.Infra.Tests.Code;

namespace UserSync.Infra.Tests;

/// <summary>The repository's files as the checks see them, read once per test run (nothing here is mutated: edits make copies).</summary>
internal static class Repository
{
    public static InfraTemplate Template { get; } = InfraTemplate.Load();

    public static SourceCode Deployed { get; } = SourceCode.Load();

    public static string AzureYamlText { get; } = File.ReadAllText(RepositoryFiles.AzureYaml);

    public static AzureYaml Project { get; } = AzureYaml.Parse(AzureYamlText);

    public static string ParametersJson => Template.Texts["main.parameters.json"];

    public static string LocalSettingsSample { get; } = File.ReadAllText(RepositoryFiles.LocalSettingsSample);

    /// <summary>A repository file's text by path relative to the root, or null when it does not exist.</summary>
    public static string? ReadOrNull(string relativePath)
    {
        var path = Path.Combine(RepositoryFiles.Root, relativePath);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }
}
