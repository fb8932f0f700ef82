using System.Text.Json.Serialization;
using UserSync.Core.Reports;
using UserSync.Functions.Http;

namespace UserSync.Functions.Dashboard;

// The JSON the dashboard page reads (docs/dashboard-api.md), camelCase.

/// <summary>GET view/me: the mode, who is signed in (name masked) and whether they may act.</summary>
public sealed record MeView(string Mode, bool SignedIn, MeUser? User, IReadOnlyList<string> Roles, bool CanAct, string AdminRole,
    string? Note, string? LoginUrl);

public sealed record MeUser(string Id, string? Name);

/// <summary>GET view/summary: the status card, the stats, the checks table, automatic repair, the month's report.</summary>
public sealed record SummaryView(
    DateTimeOffset GeneratedAt,
    string Status,
    DateTimeOffset? StatusSince,
    string Sentence,
    StaleView Stale,
    LastRunView? LastRun,
    IReadOnlyList<NextRunView> NextRuns,
    StatsView? Stats,
    IReadOnlyList<CheckView> Checks,
    AutoRepairView AutoRepair,
    ReportHeadline Report,
    string Database);

public sealed record StaleView(bool IsStale, long? LastRunAgeSeconds, long ThresholdSeconds);

public sealed record LastRunView(Guid Id, DateTimeOffset CheckedAt, decimal DurationMs, string Source, string Status, string? RequestedBy);

public sealed record NextRunView(string Function, string Schedule, DateTimeOffset? Next);

public sealed record StatsView(long AuthUsers, long Profiles, long Ghosts, long Orphans, long Difference, string TriggerState);

public sealed record CheckView(string Name, string Severity, string Result, string Observed, string Expected, DateTimeOffset? FailingSince,
    int Streak, string Runbook);

public sealed record AutoRepairView(bool Enabled, int MaxGhosts, LastAutomaticView? LastAutomatic, long AutomaticThisMonth);

public sealed record LastAutomaticView(DateTimeOffset At, long Repaired);

/// <summary>The current month's headline figures of the success report (GET view/report has all of it).</summary>
public sealed record ReportHeadline(
    string Month,
    DateTimeOffset ObservedUntil,
    int Runs,
    int Incidents,
    double? MttdMinutes,
    double? MttrMinutes,
    double? TriggerUptimePercent,
    double GhostMinutes,
    double? FalsePositiveRate,
    int AutomaticRepairs,
    long AutomaticUsers,
    int ManualRepairs,
    long ManualUsers,
    IReadOnlyList<Objective> Objectives);

/// <summary>GET view/history: the full runs of the last 7, 30 or 90 days (oldest first, chart order) and the incidents in them.</summary>
public sealed record HistoryView(int Days, IReadOnlyList<HistoryRunView> Runs, IReadOnlyList<IncidentView> Incidents);

public sealed record HistoryRunView(Guid Id, DateTimeOffset CheckedAt, string Status, string Source, string? RequestedBy, long AuthUsers,
    long Profiles, long Ghosts, long Orphans, long Difference, decimal DurationMs);

public sealed record IncidentView(string Check, string Severity, DateTimeOffset FiringAt, DateTimeOffset? ResolvedAt);

/// <summary>GET view/alerts: the delivery ledger newest first and the poison queue.</summary>
public sealed record AlertsView(IReadOnlyList<DeliveryView> Deliveries, PoisonView Poison);

public sealed record DeliveryView(string AlertId, string Check, string Status, string Receiver, string Channel, string Outcome, int Attempts,
    DateTimeOffset? At);

/// <summary>The poison queue: its length and first messages, or (count null) why it could not be read.</summary>
public sealed record PoisonView(
    int? Count,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PoisonMessageView>? Messages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

public sealed record PoisonMessageView(string Id, DateTimeOffset? InsertedAt, long DequeueCount, string Summary);

/// <summary>The body of POST view/repair.</summary>
public sealed record DashboardRepairRequest
{
    public const string Example = "{\"apply\": true, \"confirmCount\": 3}";

    /// <summary>False (the default): a dry run that writes nothing.</summary>
    public bool Apply { get; init; }

    /// <summary>With apply: the count the dry run showed; a different current count is a 409.</summary>
    public long? ConfirmCount { get; init; }
}

/// <summary>A dry run: how many ghosts an apply would repair now, and the first few (ids shortened).</summary>
public sealed record DashboardRepairPreview(bool DryRun, long Count, IReadOnlyList<RepairPreviewUser> Sample);

/// <summary>An apply: what was repaired, and the re-check run that followed (null when another run held the lock).</summary>
public sealed record DashboardRepairReport(bool DryRun, long Repaired, int Batches, bool Complete, long RemainingGhostUsers, string RequestedBy,
    LastRunView? Recheck);
