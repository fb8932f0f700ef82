namespace UserSync.Core.Checks;

/// <summary>One row of user_sync.monitoring_log: a recorded check run.</summary>
public sealed record MonitoringRun(
    Guid RunId,
    DateTimeOffset CheckedAt,
    SyncStatus Status,
    long AuthUsers,
    long Profiles,
    long GhostUsers,
    long OrphanedProfiles,
    long CountDifference,
    string TriggerState,
    bool TriggerEnabled,
    IReadOnlyList<CheckResult> Checks,
    decimal DurationMs,
    string RunBy,
    string Source);
