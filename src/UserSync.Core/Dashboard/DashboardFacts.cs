using System.Globalization;
using UserSync.Core.Checks;

namespace UserSync.Core.Dashboard;

/// <summary>user_sync.get_dashboard_version(): changes whenever a run, an audit row or a delivery is written.</summary>
public sealed record DashboardVersion(long? LastRunId, long? LastAuditId, long Deliveries, long DeliveryAttempts, DateTimeOffset? LastDeliveryAt)
{
    /// <summary>The version as one string, for an ETag.</summary>
    public string Mark => string.Create(CultureInfo.InvariantCulture,
        $"{LastRunId}.{LastAuditId}.{Deliveries}.{DeliveryAttempts}.{LastDeliveryAt?.UtcTicks}");
}

/// <summary>A full run as the status card shows it, with who asked for it (null: nobody by name).</summary>
public sealed record DashboardRun(
    Guid RunId,
    DateTimeOffset CheckedAt,
    SyncStatus Status,
    string Source,
    string? RequestedBy,
    decimal DurationMs,
    long AuthUsers,
    long Profiles,
    long GhostUsers,
    long OrphanedProfiles,
    long CountDifference,
    string TriggerState,
    bool TriggerEnabled,
    IReadOnlyList<CheckResult> Checks);

/// <summary>
/// user_sync.get_dashboard_summary(): the newest full run (null before the first), since when its
/// status holds, each failing check's streak, the newest automatic repair, and whether the database is empty.
/// </summary>
public sealed record DashboardSummaryFacts(
    DashboardRun? LatestRun,
    DateTimeOffset? StatusSince,
    IReadOnlyList<FailureStreak> Streaks,
    DateTimeOffset? LastAutoRepairAt,
    long? LastAutoRepaired,
    bool DatabaseEmpty);

/// <summary>One full run of the history chart.</summary>
public sealed record DashboardHistoryRun(
    Guid RunId,
    DateTimeOffset CheckedAt,
    SyncStatus Status,
    string Source,
    string? RequestedBy,
    long AuthUsers,
    long Profiles,
    long GhostUsers,
    long OrphanedProfiles,
    long CountDifference,
    decimal DurationMs);

/// <summary>One row of the delivery ledger: an alert to one receiver's channel, its outcome (delivered | sending | failed) and when.</summary>
public sealed record DashboardDelivery(
    string AlertId,
    string Check,
    string Status,
    string Receiver,
    string Channel,
    string Outcome,
    int Attempts,
    int? LastStatusCode,
    DateTimeOffset? At);
