using System.Text.RegularExpressions;

namespace UserSync.Infra.Tests.Bicep;

/// <summary>
/// infra/main.bicep and every module it reaches, as text. Tests load the real files, or a copy
/// with one deliberate change (<see cref="Edit"/>) to prove a check catches what it is meant to.
/// </summary>
internal sealed partial class InfraTemplate
{
    public const string MainFile = "main.bicep";

    private InfraTemplate(IReadOnlyDictionary<string, string> texts)
    {
        Texts = texts;
        var files = new List<BicepFile>();
        var pending = new Queue<string>([MainFile]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var path))
        {
            if (!seen.Add(path))
            {
                continue;
            }

            if (!texts.TryGetValue(path, out var text))
            {
                throw new FileNotFoundException($"infra/{path} is referenced as a module but does not exist.", path);
            }

            var file = new BicepFile(path, text);
            files.Add(file);
            foreach (var module in file.ModulePaths())
            {
                pending.Enqueue(Normalize(Path.GetDirectoryName(path) ?? "", module));
            }
        }

        Files = files;
    }

    /// <summary>Every file under infra/ by path relative to it (forward slashes).</summary>
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <summary>main.bicep first, then the modules it reaches.</summary>
    public IReadOnlyList<BicepFile> Files { get; }

    public BicepFile Main => Files[0];

    public IEnumerable<BicepResource> Resources => Files.SelectMany(f => f.Resources());

    public IEnumerable<BicepParam> Params => Files.SelectMany(f => f.Params());

    public IEnumerable<BicepOutput> Outputs => Files.SelectMany(f => f.Outputs());

    public static InfraTemplate Load() =>
        From(Directory.EnumerateFiles(RepositoryFiles.Infra, "*", SearchOption.AllDirectories)
            .ToDictionary(
                path => Path.GetRelativePath(RepositoryFiles.Infra, path).Replace('\\', '/'),
                File.ReadAllText,
                StringComparer.Ordinal));

    public static InfraTemplate From(IReadOnlyDictionary<string, string> texts) => new(texts);

    /// <summary>A copy with <paramref name="oldText"/> replaced in one file; throws if it is not there, so a broken variant is never a no-op.</summary>
    public InfraTemplate Edit(string path, string oldText, string newText)
    {
        var text = Texts[path];
        if (!text.Contains(oldText, StringComparison.Ordinal))
        {
            throw new ArgumentException($"infra/{path} does not contain the text to replace: {oldText}", nameof(oldText));
        }

        var texts = new Dictionary<string, string>(Texts, StringComparer.Ordinal) { [path] = text.Replace(oldText, newText, StringComparison.Ordinal) };
        return new InfraTemplate(texts);
    }

    /// <summary>
    /// Every app setting the template sets: the members of each <c>Microsoft.Web/sites/config</c>
    /// named 'appsettings' (an object, or an expression such as
    /// <c>union(baseSettings, slackConfigured ? { ... } : {})</c>, whose object literals and the
    /// vars it names are all read, so a conditional setting counts as set), and any
    /// <c>siteConfig.appSettings</c> array of a site.
    /// </summary>
    public IReadOnlyList<AppSetting> AppSettings
    {
        get
        {
            var settings = new List<AppSetting>();
            foreach (var resource in Resources)
            {
                if (resource.TypeName == "Microsoft.Web/sites/config" && BicepFile.Literal(resource.Value("name") ?? "") == "appsettings"
                    && resource.Entries.FirstOrDefault(e => e.Key == "properties") is { } properties)
                {
                    settings.AddRange(resource.File.ObjectMembers(properties.ValueStart, resource.File.Code.IndexOf(properties.Value, properties.ValueStart, StringComparison.Ordinal) + properties.Value.Length)
                        .Select(e => new AppSetting(resource.File.Path, e.Key, e.Value)));
                }

                if (resource.TypeName == "Microsoft.Web/sites")
                {
                    foreach (Match array in InlineAppSettings().Matches(resource.Body))
                    {
                        var open = resource.Open + array.Groups["array"].Index;
                        var body = resource.File.Code[open..(resource.File.Matching(open) + 1)];
                        foreach (Match item in InlineSetting().Matches(body))
                        {
                            settings.Add(new AppSetting(resource.File.Path, item.Groups["name"].Value, item.Groups["value"].Value.Trim()));
                        }
                    }
                }
            }

            return settings;
        }
    }

    /// <summary>Names of the storage queues the template creates (null where a name is not a plain literal).</summary>
    public IReadOnlyList<string?> QueueNames =>
        Resources.Where(r => r.TypeName == "Microsoft.Storage/storageAccounts/queueServices/queues")
            .Select(r => r.File.LiteralOf(r.Value("name") ?? ""))
            .ToList();

    /// <summary>Values of the azd-service-name tag on sites (null where not resolvable to a literal).</summary>
    public IReadOnlyList<string?> AzdServiceNames =>
        Resources.Where(r => r.TypeName == "Microsoft.Web/sites" && !r.Existing)
            .SelectMany(r => AzdServiceTag().Matches(r.Body).Select(m => r.File.LiteralOf(m.Groups["value"].Value)))
            .ToList();

    public IReadOnlyList<AlertRule> AlertRules =>
        Resources.Where(r => r.TypeName == "Microsoft.Insights/scheduledQueryRules")
            .Select(r => new AlertRule(
                r.File.Path,
                r.Symbol,
                r.Members("properties").FirstOrDefault(e => e.Key == "severity")?.Value,
                ActionGroupReferences().Matches(r.Members("properties").FirstOrDefault(e => e.Key == "actions")?.Value ?? "")
                    .Select(m => m.Groups["symbol"].Value).ToList(),
                QueryReferences().Matches(r.Body)
                    .Select(m => BicepFile.Literal(m.Groups["value"].Value) ?? r.File.LiteralOf(m.Groups["value"].Value))
                    .ToList()))
            .ToList();

    public IReadOnlyList<string> ActionGroupSymbols =>
        Resources.Where(r => r.TypeName == "Microsoft.Insights/actionGroups").Select(r => r.Symbol).ToList();

    private static string Normalize(string directory, string relative)
    {
        var parts = new List<string>();
        foreach (var part in (directory.Length == 0 ? relative : $"{directory}/{relative}").Split('/'))
        {
            if (part == "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part is not ("." or ""))
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    [GeneratedRegex(@"\bappSettings[ \t]*:[ \t]*(?<array>\[)")]
    private static partial Regex InlineAppSettings();

    [GeneratedRegex(@"\bname[ \t]*:[ \t]*'(?<name>[^']+)'\s*\n\s*value[ \t]*:(?<value>[^\n]*)")]
    private static partial Regex InlineSetting();

    [GeneratedRegex(@"'azd-service-name'[ \t]*:[ \t]*(?<value>[^\n}]+)")]
    private static partial Regex AzdServiceTag();

    [GeneratedRegex(@"\b(?<symbol>\w+)\.id\b")]
    private static partial Regex ActionGroupReferences();

    [GeneratedRegex(@"\bquery[ \t]*:[ \t]*(?<value>'''[\s\S]*?'''|'(?:[^'\\]|\\.)*'|\w+)")]
    private static partial Regex QueryReferences();
}
