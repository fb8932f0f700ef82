using System.Text.Json;
using UserSync.Infra.Tests.Azd;
using UserSync.Infra.Tests.Bicep;

namespace UserSync.Infra.Tests.Rules;

/// <summary>azure.yaml against the template: azd must find the app it deploys to, and package what the hooks build.</summary>
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
    /// The function service is a prebuilt custom handler: host function, language custom, a
    /// <c>dist</c> folder, and hooks that exist. The prepackage hook must fill that same folder.
    /// </summary>
    public static IReadOnlyList<string> FunctionService(AzureYaml yaml, Func<string, string?> readFile)
    {
        var problems = new List<string>();
        var functions = yaml.Services.Where(s => s.Property("host") == "function").ToList();
        if (functions.Count != 1)
        {
            problems.Add($"azure.yaml has {functions.Count} services with host: function; expected one.");
            return problems;
        }

        var service = functions[0];
        if (service.Property("language") != "custom")
        {
            problems.Add($"Service {service.Name}: language must be custom (azd builds nothing and deploys dist).");
        }

        var dist = service.Property("dist");
        if (string.IsNullOrEmpty(dist))
        {
            problems.Add($"Service {service.Name}: the custom language needs dist.");
        }

        var scripts = service.HookRuns.Select(run => (run, text: readFile(run))).ToList();
        foreach (var (run, _) in scripts.Where(s => s.text is null))
        {
            problems.Add($"Service {service.Name}: hook script {run} does not exist.");
        }

        if (dist is { Length: > 0 } && !scripts.Any(s => s.text?.Contains(dist.TrimStart('.', '/') , StringComparison.Ordinal) == true))
        {
            problems.Add($"Service {service.Name}: no hook script fills dist ({dist}).");
        }

        return problems;
    }

    /// <summary>azd runs hook scripts by path: on Linux and macOS they must be executable.</summary>
    public static IReadOnlyList<string> NotExecutable(IEnumerable<string> scriptPaths)
    {
        if (OperatingSystem.IsWindows())
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var path in scriptPaths)
        {
            if (!File.Exists(path) || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
            {
                problems.Add($"{path} is missing or not executable (chmod 755).");
            }
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
