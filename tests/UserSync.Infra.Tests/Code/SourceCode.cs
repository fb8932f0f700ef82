using System.Text.Json;
using System.Text.RegularExpressions;

namespace UserSync.Infra.Tests.Code;

/// <summary>
/// The deployed code read as text: the C# sources of the projects that run in the function app
/// and the app's functions.metadata (what the Worker SDK writes from the [Function] attributes,
/// and what the host reads). From them, what the code needs from its environment: the settings
/// it reads, the storage connections its bindings use, its queues, its functions and the metric
/// names it emits. Tests edit a copy (<see cref="EditSource"/>) to prove the checks bite.
/// </summary>
internal sealed partial class SourceCode
{
    private SourceCode(IReadOnlyDictionary<string, string> sources, IReadOnlyDictionary<string, string> functions)
    {
        Sources = sources;
        Functions = functions;
    }

    /// <summary>C# files by path relative to the repository root.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>Each function's entry of functions.metadata (JSON text), by function name.</summary>
    public IReadOnlyDictionary<string, string> Functions { get; }

    public static SourceCode Load()
    {
        var sources = RepositoryFiles.DeployedSourceDirectories
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .ToDictionary(p => Path.GetRelativePath(RepositoryFiles.Root, p).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
        if (!File.Exists(RepositoryFiles.FunctionsMetadata))
        {
            throw new FileNotFoundException("Build src/UserSync.Functions first (this project references it for that).", RepositoryFiles.FunctionsMetadata);
        }

        using var metadata = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.FunctionsMetadata));
        var functions = metadata.RootElement.EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetRawText(), StringComparer.Ordinal);
        return new SourceCode(sources, functions);
    }

    /// <summary>A copy with <paramref name="oldText"/> replaced in the first source file whose name ends with <paramref name="fileName"/>.</summary>
    public SourceCode EditSource(string fileName, string oldText, string newText)
    {
        var path = Sources.Keys.Single(p => p.EndsWith("/" + fileName, StringComparison.Ordinal));
        return new SourceCode(Replace(Sources, path, oldText, newText), Functions);
    }

    /// <summary>A copy with <paramref name="oldText"/> replaced in one function's functions.metadata entry.</summary>
    public SourceCode EditFunction(string function, string oldText, string newText) =>
        new(Sources, Replace(Functions, function, oldText, newText));

    /// <summary>Every setting the code reads, with where that was found.</summary>
    public IReadOnlyList<CodeSetting> SettingsRead
    {
        get
        {
            var settings = new List<CodeSetting>();
            foreach (var (path, text) in Sources)
            {
                // Options classes bound from a configuration section: each public settable
                // property is the app setting "<section>__<property>".
                if (SectionName().Match(text) is { Success: true } section)
                {
                    var prefix = section.Groups["section"].Value.Replace(":", "__", StringComparison.Ordinal);
                    settings.AddRange(OptionProperty().Matches(text)
                        .Select(m => new CodeSetting($"{prefix}__{m.Groups["name"].Value}", $"{path}: property {m.Groups["name"].Value}")));
                }

                // Named setting constants, e.g. DailyCheckOptions.ScheduleSetting, Telemetry.AppInsightsSetting.
                settings.AddRange(SettingConstant().Matches(text)
                    .Select(m => new CodeSetting(m.Groups["value"].Value, $"{path}: const {m.Groups["name"].Value}")));

                // Literal reads: Environment.GetEnvironmentVariable("X"), configuration["X"].
                settings.AddRange(LiteralRead().Matches(text)
                    .Select(m => new CodeSetting(m.Groups["value"].Value, $"{path}: reads \"{m.Groups["value"].Value}\"")));
            }

            foreach (var (function, json) in Functions)
            {
                settings.AddRange(Percent().Matches(json)
                    .Select(m => new CodeSetting(m.Groups["name"].Value, $"functions.metadata {function}: %{m.Groups["name"].Value}%")));
            }

            return settings;
        }
    }

    /// <summary>
    /// The storage connections the queue bindings use: the one they name ("connection"), or the
    /// host's default AzureWebJobsStorage when they name none.
    /// </summary>
    public IReadOnlyList<CodeSetting> Connections =>
        Bindings.Where(b => b.Binding.GetProperty("type").GetString() is "queue" or "queueTrigger")
            .Select(b => b.Binding.TryGetProperty("connection", out var c) && c.ValueKind == JsonValueKind.String
                ? new CodeSetting(c.GetString()!, $"functions.metadata {b.Function}: connection")
                : new CodeSetting(DefaultConnection, $"functions.metadata {b.Function}: a queue binding naming no connection"))
            .ToList();

    /// <summary>The connection the host uses for a storage binding that names none.</summary>
    public const string DefaultConnection = "AzureWebJobsStorage";

    /// <summary>Queue names in the bindings, by function.</summary>
    public IReadOnlyList<(string Function, string Queue)> BindingQueues =>
        Bindings.Where(b => b.Binding.TryGetProperty("queueName", out var q) && q.ValueKind == JsonValueKind.String)
            .Select(b => (b.Function, b.Binding.GetProperty("queueName").GetString()!))
            .ToList();

    /// <summary>QueueNames.Alerts.</summary>
    public string AlertsQueue => Constant("QueueNames.cs", "Alerts");

    /// <summary>QueueNames.AlertsPoison.</summary>
    public string AlertsPoisonQueue => Constant("QueueNames.cs", "AlertsPoison");

    /// <summary>AlertDispatcherFunction.Name.</summary>
    public string AlertDispatcher => Constant("AlertDispatcherFunction.cs", "Name");

    /// <summary>Names of the OpenTelemetry instruments the code creates (Meter.Create*("name", ...)).</summary>
    public IReadOnlySet<string> MetricNames =>
        Sources.Values.SelectMany(t => Instrument().Matches(t)).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether some source file contains the text (a log message template, say).</summary>
    public bool SourcesContain(string text) => Sources.Values.Any(s => s.Contains(text, StringComparison.Ordinal));

    private IEnumerable<(string Function, JsonElement Binding)> Bindings =>
        Functions.SelectMany(f =>
        {
            using var document = JsonDocument.Parse(f.Value);
            return document.RootElement.GetProperty("bindings").EnumerateArray().Select(b => (f.Key, b.Clone())).ToList();
        });

    private string Constant(string fileName, string name)
    {
        var text = Sources.Single(s => s.Key.EndsWith("/" + fileName, StringComparison.Ordinal)).Value;
        var m = Regex.Match(text, $@"const\s+string\s+{Regex.Escape(name)}\s*=\s*""(?<value>[^""]*)""", RegexOptions.None, TimeSpan.FromSeconds(1));
        return m.Success ? m.Groups["value"].Value : throw new InvalidOperationException($"{fileName} declares no const {name}.");
    }

    private static Dictionary<string, string> Replace(IReadOnlyDictionary<string, string> texts, string key, string oldText, string newText)
    {
        if (!texts[key].Contains(oldText, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{key} does not contain the text to replace: {oldText}", nameof(oldText));
        }

        return new Dictionary<string, string>(texts, StringComparer.Ordinal) { [key] = texts[key].Replace(oldText, newText, StringComparison.Ordinal) };
    }

    [GeneratedRegex(@"const\s+string\s+SectionName\s*=\s*""(?<section>[^""]+)""")]
    private static partial Regex SectionName();

    // Settable properties, and get-only ones with an initializer (collections the binder fills,
    // e.g. IList<string> Recipients { get; } = [], set as "<section>__Recipients__0").
    [GeneratedRegex(@"public\s+(?:required\s+)?[\w.<>?,\[\] ]+?\s+(?<name>\w+)\s*\{\s*get;\s*(?:(?:set|init);|\}\s*=)")]
    private static partial Regex OptionProperty();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w*Setting)\s*=\s*""(?<value>[^""]+)""")]
    private static partial Regex SettingConstant();

    [GeneratedRegex(@"(?:GetEnvironmentVariable\(\s*|[Cc]onfiguration\[\s*)""(?<value>[^""]+)""")]
    private static partial Regex LiteralRead();

    [GeneratedRegex(@"%(?<name>[A-Za-z_][\w:.-]*)%")]
    private static partial Regex Percent();

    [GeneratedRegex(@"\.Create(?:Observable)?(?:Gauge|Counter|UpDownCounter|Histogram)\s*(?:<[^>]+>)?\s*\(\s*""(?<name>[^""]+)""")]
    private static partial Regex Instrument();
}
