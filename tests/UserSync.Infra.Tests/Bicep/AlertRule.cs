namespace UserSync.Infra.Tests.Bicep;

/// <summary>
/// A scheduledQueryRules resource: its severity expression, the resources its actions reference
/// (<c>symbol.id</c>) and its queries (null where a query is not a plain literal or var).
/// </summary>
internal sealed record AlertRule(string File, string Symbol, string? Severity, IReadOnlyList<string> ActionReferences, IReadOnlyList<string?> Queries);
