using UserSync.Core.Checks;

namespace UserSync.Core.Reports;

/// <summary>One recorded run as the report reads it (user_sync.get_report_runs).</summary>
public sealed record ReportRun(
    Guid RunId,
    DateTimeOffset CheckedAt,
    string Source,
    long GhostUsers,
    long OrphanedProfiles,
    long CountDifference,
    string TriggerState,
    bool TriggerEnabled,
    IReadOnlyList<CheckResult> Checks,
    DateTimeOffset? OldestGhostCreatedAt);

/// <summary>One cleanup audit row (user_sync.get_report_audit); <see cref="RequestedBy"/> null means unknown, counted as manual.</summary>
public sealed record ReportAuditRow(long Id, string Action, DateTimeOffset PerformedAt, string PerformedBy, int AffectedCount, string? RequestedBy)
{
    /// <summary>What the automatic repair writes into the audit row's details.requested_by.</summary>
    public const string AutoRepair = "auto-repair";

    /// <summary>The action the app's own fallback (public.ensure_user_profile) writes: a user healed their own profile.</summary>
    public const string SelfServiceAction = "self_service_profile";

    public bool IsAutomatic => string.Equals(RequestedBy, AutoRepair, StringComparison.Ordinal);

    public bool IsSelfService => string.Equals(Action, SelfServiceAction, StringComparison.Ordinal);
}

/// <summary>One delivery ledger row (user_sync.get_report_deliveries): an alert to one channel, delivered or not.</summary>
public sealed record ReportDeliveryRow(string AlertId, string Check, string AlertStatus, string Channel, bool Delivered,
    DateTimeOffset? DeliveredAt, int Attempts);

/// <summary>
/// What a report is computed from: the runs in order (with the runs before the period that its first
/// incidents started in, and the run the period starts after), and the audit rows and deliveries
/// from the earliest of those runs to the period's end.
/// </summary>
public sealed record ReportFacts(IReadOnlyList<ReportRun> Runs, IReadOnlyList<ReportAuditRow> Audit, IReadOnlyList<ReportDeliveryRow> Deliveries);
