using System.Text.Json;
using UserSync.Infra.Tests.Azd;
using UserSync.Infra.Tests.Bicep;

namespace UserSync.Infra.Tests.Rules;

/// <summary>azure.yaml against the template: azd must find the app it deploys to, and publish the worker project.</summary>
internal static class AzdRules
{
    /// <summary>azd deploys service S to the resource tagged azd-service-name = S: the names must match one to one.</summary>
    public static IReadOnlyList<string> ServiceNames(AzureYaml yaml, InfraTemplate infra)
    {
        var problems = new List<string>();
        var tags = infra.AzdServiceNames;
        if (tags.Any(t => t is null))
        {
            problems.Add("An azd-service-name tag is not a literal (or a var holding one), so it cannot be checked.");
        }

        foreach (var service in yaml.Services.Where(s => !tags.Contains(s.Name)))
        {
            problems.Add($"azure.yaml service {service.Name} has no resource tagged azd-service-name '{service.Name}' (tags: {string.Join(", ", tags)}).");
        }

        foreach (var tag in tags.OfType<string>().Where(t => yaml.Services.All(s => s.Name != t)))
        {
            problems.Add($"The function app is tagged azd-service-name '{tag}' but azure.yaml has no service {tag}.");
        }

        return problems;
    }

    /// <summary>
    /// The function service is the isolated-worker project, which azd publishes itself: host
    /// function, language dotnet, project a folder holding &lt;folder&gt;.csproj that builds a
    /// Functions worker (Worker SDK, AzureFunctionsVersion, an executable), and no dist (azd would
    /// deploy that folder instead of the publish output). Hook scripts, if any, must exist.
    /// </summary>
    public static IReadOnlyList<string> FunctionService(AzureYaml yaml, Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(readFile);
        var problems = new List<string>();
        var functions = yaml.Services.Where(s => s.Property("host") == "function").ToList();
        if (functions.Count != 1)
        {
            problems.Add($"azure.yaml has {functions.Count} services with host: function; expected one.");
            return problems;
        }

        var service = functions[0];
        if (service.Property("language") != "dotnet")
        {
            problems.Add($"Service {service.Name}: language must be dotnet (azd publishes the worker project).");
        }

        if (service.Property("dist") is { Length: > 0 })
        {
            problems.Add($"Service {service.Name}: dist must not be set (azd deploys the dotnet publish output).");
        }

        var project = (service.Property("project") ?? "").TrimStart('.', '/').TrimEnd('/');
        var csproj = $"{project}/{Path.GetFileName(project)}.csproj";
        var text = project.Length == 0 ? null : readFile(csproj);
        if (text is null)
        {
            problems.Add($"Service {service.Name}: project {service.Property("project")} holds no {Path.GetFileName(csproj)}.");
        }
        else if (!text.Contains("<AzureFunctionsVersion>", StringComparison.Ordinal)
                 || !text.Contains("Include=\"Microsoft.Azure.Functions.Worker.Sdk\"", StringComparison.Ordinal)
                 || !text.Contains("<OutputType>Exe</OutputType>", StringComparison.Ordinal))
        {
            problems.Add($"Service {service.Name}: {csproj} is not an Azure Functions isolated worker project (Worker SDK, AzureFunctionsVersion, OutputType Exe).");
        }

        foreach (var run in service.HookRuns.Where(run => readFile(run) is null))
        {
            problems.Add($"Service {service.Name}: hook script {run} does not exist.");
        }

        return problems;
    }

    /// <summary>Every parameter main.parameters.json passes must exist in main.bicep, or the deployment is rejected.</summary>
    public static IReadOnlyList<string> ParametersFile(InfraTemplate infra, string parametersJson)
    {
        using var document = JsonDocument.Parse(parametersJson);
        var declared = infra.Main.Params().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return document.RootElement.GetProperty("parameters").EnumerateObject()
            .Where(p => !declared.Contains(p.Name))
            .Select(p => $"main.parameters.json passes {p.Name}, which main.bicep does not declare.")
            .ToList();
    }
}
