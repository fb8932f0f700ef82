namespace UserSync.Infra.Tests.Azd;

/// <summary>One service of azure.yaml: its scalar properties (project, host, language, dist) and its hooks' run commands.</summary>
internal sealed record AzdService(string Name, IReadOnlyDictionary<string, string> Properties, IReadOnlyList<string> HookRuns)
{
    public string? Property(string key) => Properties.TryGetValue(key, out var value) ? value : null;
}
