using System.Text.RegularExpressions;

namespace UserSync.Infra.Tests.Azd;

/// <summary>
/// The parts of azure.yaml the checks need, read line by line (no YAML library is available
/// here): each service under <c>services:</c> with its scalar properties and the <c>run:</c>
/// commands of its hooks.
/// </summary>
internal sealed partial class AzureYaml
{
    private AzureYaml(IReadOnlyList<AzdService> services) => Services = services;

    public IReadOnlyList<AzdService> Services { get; }

    public static AzureYaml Parse(string text)
    {
        var services = new List<AzdService>();
        var inServices = false;
        string? name = null;
        int serviceIndent = -1;
        Dictionary<string, string> properties = new(StringComparer.Ordinal);
        List<string> hookRuns = [];

        void Flush()
        {
            if (name is not null)
            {
                services.Add(new AzdService(name, properties, hookRuns));
            }

            name = null;
            properties = new(StringComparer.Ordinal);
            hookRuns = [];
        }

        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = StripComment(raw);
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            if (indent == 0)
            {
                Flush();
                inServices = line.TrimEnd() == "services:";
                continue;
            }

            if (!inServices)
            {
                continue;
            }

            if (serviceIndent < 0)
            {
                serviceIndent = indent;
            }

            if (indent == serviceIndent && ServiceKey().Match(line) is { Success: true } service)
            {
                Flush();
                name = service.Groups["name"].Value;
                continue;
            }

            if (name is not null && Scalar().Match(line) is { Success: true } scalar)
            {
                var key = scalar.Groups["key"].Value;
                var value = Unquote(scalar.Groups["value"].Value.Trim());
                if (key == "run")
                {
                    hookRuns.Add(value);
                }
                else if (indent == serviceIndent + 2)
                {
                    properties[key] = value;
                }
            }
        }

        Flush();
        return new AzureYaml(services);
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        return line.TrimStart().StartsWith('#') ? "" : hash >= 0 ? line[..hash] : line;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    [GeneratedRegex(@"^\s+(?<name>[A-Za-z0-9_.-]+):\s*$")]
    private static partial Regex ServiceKey();

    [GeneratedRegex(@"^\s+(?<key>[A-Za-z0-9_.-]+):\s*(?<value>\S.*)$")]
    private static partial Regex Scalar();
}
