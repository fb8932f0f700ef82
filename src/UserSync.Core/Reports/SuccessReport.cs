namespace UserSync.Core.Reports;

/// <summary>
/// The plan's success metrics for one period, computed from what the monitor recorded
/// (docs/report.md explains each figure and its limits). Durations are in minutes; shares are
/// fractions (0.25 is 25 %); null means "not measurable in this period" (no run, no incident).
/// </summary>
public sealed record SuccessReport(
    string Environment,
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    DateTimeOffset ObservedUntil,
    IReadOnlyList<Objective> Objectives,
    RunCounts Runs,
    ZeroTarget Ghosts,
    ZeroTarget Orphans,
    ZeroTarget Discrepancy,
    TriggerUptime Trigger,
    double GhostMinutes,
    MeanTime TimeToDetect,
    MeanTime TimeToResolve,
    FalsePositives FalsePositives,
    RepairCounts Repairs,
    DeliveryCounts Alerts,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<DailyPoint> Daily);

/// <summary>One line of the plan's table: the target, what was measured, and whether it was met (null: nothing to judge).</summary>
public sealed record Objective(string Key, string Name, string Target, string Actual, bool? Met);

public sealed record RunCounts(int Total, IReadOnlyDictionary<string, int> BySource, DateTimeOffset? First, DateTimeOffset? Last);

/// <summary>A "0 always" figure over the period's runs: how many runs saw 0, and the largest value seen.</summary>
public sealed record ZeroTarget(int Runs, int RunsAtZero, double? ShareAtZero, long MaxSeen);

/// <summary>
/// The trigger as the runs saw it: each run's state holds until the next run (the last one until
/// the end of what is observed). Uptime is enabled time over observed time.
/// </summary>
public sealed record TriggerUptime(double? Uptime, double ObservedMinutes, double EnabledMinutes, int Runs, int RunsEnabled,
    IReadOnlyList<string> StatesSeen);

/// <summary>A mean over incidents, against the plan's target.</summary>
public sealed record MeanTime(int Incidents, double? MeanMinutes, double? MaxMinutes, double TargetMinutes, bool? Met);

/// <summary>Resolved ghost and count incidents that no repair was audited for, over all resolved ones: the noise proxy.</summary>
public sealed record FalsePositives(int Resolved, int ResolvedWithoutRepair, double? Rate, double Target, bool? Met);

/// <summary>Repairs audited in the period: manual (a person, or unknown) and automatic (auto-repair) batches and users; self-service profiles.</summary>
public sealed record RepairCounts(int ManualBatches, long ManualUsers, int AutomaticBatches, long AutomaticUsers, int SelfServiceProfiles);

/// <summary>Alert deliveries of the period from the ledger: alerts, and per channel how many arrived, how many did not, how many needed more than one try.</summary>
public sealed record DeliveryCounts(int Alerts, int Firing, int Resolved, IReadOnlyList<ChannelDeliveries> Channels);

public sealed record ChannelDeliveries(string Channel, int Delivered, int NotDelivered, int Retried);

/// <summary>
/// One incident: a check failing from its first failing run until the first run that passes it
/// (<see cref="ResolvedAt"/> null while still failing at the period's end).
/// </summary>
public sealed record Incident(
    string Check,
    string Severity,
    DateTimeOffset StartedAt,
    DateTimeOffset? ResolvedAt,
    bool StartedBeforePeriod,
    int FailingRuns,
    long MaxGhosts,
    DateTimeOffset? OldestGhostCreatedAt,
    double? TimeToDetectMinutes,
    double? TimeToResolveMinutes,
    int ManualRepairs,
    int AutomaticRepairs,
    long UsersRepaired,
    bool? ResolvedWithoutRepair,
    int AlertsDelivered);

/// <summary>An incident's span alone (<see cref="SuccessReportBuilder.IncidentSpans"/>): what the dashboard's history marks.</summary>
public sealed record IncidentSpan(string Check, string Severity, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt);

/// <summary>One UTC day of the period, for the charts.</summary>
public sealed record DailyPoint(DateOnly Day, int Runs, long MaxGhosts, long MaxOrphans, double? TriggerUptime, double GhostMinutes);
