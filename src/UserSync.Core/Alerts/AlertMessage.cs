using System.Text.Json.Serialization;
using UserSync.Core.Checks;

namespace UserSync.Core.Alerts;

/// <summary>
/// One queued alert (docs/architecture.md, "Alerts"): versioned, self-contained, no unmasked PII. AlertId is unique
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

    /// <summary>
    /// Repeat policy: on a firing message for a check that already failed in the previous
    /// delivering run, when its current failure streak began. Absent on a first failure and on
    /// resolved messages, so schema version 1 readers without the field see nothing new.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>With <see cref="FailingSince"/>: how many runs in a row have failed, this one included (2 or more).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FailingRuns { get; init; }

    /// <summary>True when this message repeats an incident still open ("still failing since ..., run N").</summary>
    [JsonIgnore]
    public bool IsRepeat => Status == AlertStatus.Firing && FailingSince is not null && FailingRuns > 1;

    /// <summary>"still failing since 2026-11-25 02:00 UTC, run 3" for a repeat, else null. Channels add it to their text.</summary>
    public string? RepeatNote() => IsRepeat
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"still failing since {FailingSince!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC, run {FailingRuns}")
        : null;

    public static string DedupKeyFor(string environment, string check) => $"usersync:{environment}:{check}";
}
