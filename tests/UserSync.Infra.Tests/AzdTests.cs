using UserSync.Infra.Tests.Azd;
using UserSync.Infra.Tests.Rules;
using static UserSync.Infra.Tests.Repository;

namespace UserSync.Infra.Tests;

/// <summary>(e) azure.yaml and the template agree, so `azd up` finds and deploys the app.</summary>
public sealed class AzdTests
{
    [Fact]
    public void The_service_name_equals_the_function_apps_azd_service_name_tag()
    {
        Assert.Equal(["usersync"], Project.Services.Select(s => s.Name));
        Assert.Equal(["usersync"], Template.AzdServiceNames);
        Assert.Empty(AzdRules.ServiceNames(Project, Template));
    }

    [Fact]
    public void A_service_renamed_in_azure_yaml_is_reported()
    {
        var yaml = Azd.AzureYaml.Parse(AzureYamlText.Replace("\n  usersync:\n", "\n  api:\n", StringComparison.Ordinal));

        var problems = AzdRules.ServiceNames(yaml, Template);

        Assert.Contains(problems, p => p.StartsWith("azure.yaml service api ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("tagged azd-service-name 'usersync'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tag_renamed_in_infra_is_reported()
    {
        var broken = Template.Edit("modules/functionapp.bicep", "var azdServiceName = 'usersync'", "var azdServiceName = 'api'");

        Assert.Contains(AzdRules.ServiceNames(Project, broken), p => p.StartsWith("azure.yaml service usersync ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_function_service_is_the_isolated_worker_project_azd_publishes() =>
        Assert.Empty(AzdRules.FunctionService(Project, ReadOrNull));

    [Theory]
    [InlineData("    language: dotnet\n", "    language: custom\n", "language must be dotnet")]
    [InlineData("    project: ./src/UserSync.Functions\n", "    project: ./src/UserSync.Function\n", "holds no UserSync.Function.csproj")]
    [InlineData("    project: ./src/UserSync.Functions\n", "    project: ./src/UserSync.Core\n", "is not an Azure Functions isolated worker project")]
    [InlineData("    language: dotnet\n", "    language: dotnet\n    dist: .artifacts/usersync-functions\n", "dist must not be set")]
    [InlineData("    language: dotnet\n", "    language: dotnet\n    hooks:\n      prepackage:\n        shell: sh\n        run: infra/hooks/stage.sh\n", "does not exist")]
    public void A_function_service_azd_cannot_publish_is_reported(string oldText, string newText, string problem)
    {
        var text = AzureYamlText.Replace(oldText, newText, StringComparison.Ordinal);
        Assert.NotEqual(AzureYamlText, text);

        Assert.Contains(AzdRules.FunctionService(Azd.AzureYaml.Parse(text), ReadOrNull), p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void The_parameters_file_passes_only_parameters_main_bicep_declares() =>
        Assert.Empty(AzdRules.ParametersFile(Template, ParametersJson));

    [Fact]
    public void A_parameter_main_bicep_does_not_declare_is_reported()
    {
        var json = ParametersJson.Replace("\"parameters\": {", "\"parameters\": {\n    \"region\": { \"value\": \"${AZURE_LOCATION}\" },", StringComparison.Ordinal);

        Assert.Contains(AzdRules.ParametersFile(Template, json), p => p.Contains("passes region", StringComparison.Ordinal));
    }
}
