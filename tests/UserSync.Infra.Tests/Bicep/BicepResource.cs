namespace UserSync.Infra.Tests.Bicep;

/// <summary>A <c>resource</c> declaration: symbol, type (with API version) and the span of its body.</summary>
internal sealed record BicepResource(BicepFile File, string Symbol, string Type, int Open, int Close, bool Existing)
{
    /// <summary>The type without the API version, e.g. <c>Microsoft.Web/sites</c>.</summary>
    public string TypeName => Type.Split('@')[0];

    /// <summary>The body's text, comments removed.</summary>
    public string Body => File.Code[Open..(Close + 1)];

    public IReadOnlyList<BicepEntry> Entries => File.Entries(Open);

    /// <summary>The value of a top-level member of the body, or null.</summary>
    public string? Value(string key) => Entries.FirstOrDefault(e => e.Key == key)?.Value;

    /// <summary>The members of an object-valued member (e.g. <c>properties</c>), or empty.</summary>
    public IReadOnlyList<BicepEntry> Members(string key) =>
        Entries.FirstOrDefault(e => e.Key == key) is { } entry && entry.Value.StartsWith('{')
            ? File.Entries(File.Skeleton.IndexOf('{', entry.ValueStart))
            : [];
}
