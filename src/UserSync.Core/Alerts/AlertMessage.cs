using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// One queued alert (DESIGN.md §5): versioned, self-contained, no unmasked PII. AlertId is unique
/// per run, check and status (the delivery ledger's key); DedupKey is stable per environment and
/// check, so PagerDuty and Slack group a problem until it resolves.
/// </summary>
public sealed record AlertMessage
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string AlertId { get; init; }
    public required string Environment { get; init; }
    public required string Check { get; init; }
    public required CheckSeverity Severity { get; init; }
    public required AlertStatus Status { get; init; }
    public required string Observed { get; init; }
    public required string Expected { get; init; }
    public IReadOnlyList<string> Samples { get; init; } = [];
    public required Guid RunId { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
    public required string RunbookUrl { get; init; }
    public required string DedupKey { get; init; }

    public static string DedupKeyFor(string environment, string check) => $"usersync:{environment}:{check}";
}
