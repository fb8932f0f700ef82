using System.Globalization;
using Cronos;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Dashboard;
using UserSync.Core.Options;
using UserSync.Core.Reports;
using UserSync.Functions.Functions;

namespace UserSync.Functions.Dashboard;

/// <summary>
/// GET view/summary's answer: the newest full run and its streaks (user_sync.get_dashboard_summary,
/// one statement), the current month's success report (its three bounded readers), the timers'
/// next runs and the staleness of the last full run. Nothing here counts the users tables.
/// </summary>
public sealed class DashboardSummaries(
    DashboardReader reader,
    SuccessReports reports,
    IOptions<DailyCheckOptions> schedules,
    IOptions<UserSyncOptions> options,
    IOptions<AutoRepairOptions> autoRepair,
    TimeProvider clock)
{
    /// <summary>Slack on top of the daily schedule's interval before the last full run counts as stale (a 02:00 daily check: 26 h).</summary>
    public static readonly TimeSpan StaleSlack = TimeSpan.FromHours(2);

    public async Task<SummaryView> BuildAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var facts = await reader.GetSummaryAsync(cancellationToken);
        var report = await reports.BuildAsync(ReportPeriod.CurrentMonth(now), cancellationToken);
        return Build(facts, report, now);
    }

    public SummaryView Build(DashboardSummaryFacts facts, SuccessReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(report);
        var run = facts.LatestRun;
        var daily = CronExpression.Parse(schedules.Value.DailyCheckSchedule, CronFormat.IncludeSeconds);
        var incremental = CronExpression.Parse(schedules.Value.IncrementalCheckSchedule, CronFormat.IncludeSeconds);
        var threshold = StaleThreshold(daily, now);
        var age = run is null ? (TimeSpan?)null : now - run.CheckedAt;
        var stale = new StaleView(age is { } a && a > threshold, age is { } seconds ? (long)Math.Max(0, seconds.TotalSeconds) : null,
            (long)threshold.TotalSeconds);
        var streaks = facts.Streaks.ToDictionary(s => s.Check, StringComparer.Ordinal);
        var checks = run?.Checks.Select(c =>
        {
            var streak = streaks.GetValueOrDefault(c.Name);
            return new CheckView(c.Name, c.Severity.ToString().ToLowerInvariant(), c.Passed ? "pass" : "fail", c.Observed, c.Expected,
                c.Passed ? null : streak?.FailingSince, c.Passed ? 0 : streak?.FailingRuns ?? 1,
                AlertPlanner.RunbookLink(options.Value.RunbookUrl, c.Name));
        }).ToList() ?? [];
        var auto = autoRepair.Value;
        return new SummaryView(
            now,
            run is null ? "unknown" : Status(run.Status),
            facts.StatusSince,
            Sentence(run, facts.DatabaseEmpty, stale, threshold),
            stale,
            run is null ? null : new LastRunView(run.RunId, run.CheckedAt, run.DurationMs, run.Source, Status(run.Status), run.RequestedBy),
            [
                new NextRunView(DailyCheckFunction.Name, schedules.Value.DailyCheckSchedule, Next(daily, now)),
                new NextRunView(IncrementalCheckFunction.Name, schedules.Value.IncrementalCheckSchedule, Next(incremental, now)),
            ],
            run is null ? null : new StatsView(run.AuthUsers, run.Profiles, run.GhostUsers, run.OrphanedProfiles, run.CountDifference, run.TriggerState),
            checks,
            new AutoRepairView(auto.Enabled, auto.MaxGhosts,
                facts.LastAutoRepairAt is { } at ? new LastAutomaticView(at, facts.LastAutoRepaired ?? 0) : null,
                report.Repairs.AutomaticUsers),
            Headline(report),
            facts.DatabaseEmpty ? "empty" : "ok");
    }

    public static ReportHeadline Headline(SuccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ReportHeadline(report.Period, report.ObservedUntil, report.Runs.Total, report.Incidents.Count,
            report.TimeToDetect.MeanMinutes, report.TimeToResolve.MeanMinutes, report.Trigger.Uptime * 100, report.GhostMinutes,
            report.FalsePositives.Rate, report.Repairs.AutomaticBatches, report.Repairs.AutomaticUsers, report.Repairs.ManualBatches,
            report.Repairs.ManualUsers, report.Objectives);
    }

    /// <summary>The daily schedule's interval (the gap between its next two runs) plus <see cref="StaleSlack"/>.</summary>
    public static TimeSpan StaleThreshold(CronExpression daily, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(daily);
        var next = daily.GetNextOccurrence(now.UtcDateTime);
        var after = next is { } n ? daily.GetNextOccurrence(n) : null;
        return (after is { } b && next is { } a ? b - a : TimeSpan.FromDays(1)) + StaleSlack;
    }

    private static DateTimeOffset? Next(CronExpression schedule, DateTimeOffset now) =>
        schedule.GetNextOccurrence(now.UtcDateTime) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    private static string Status(SyncStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>What is wrong, in words: each failing check, and a last full run older than the threshold.</summary>
    public static string Sentence(DashboardRun? run, bool databaseEmpty, StaleView stale, TimeSpan threshold)
    {
        ArgumentNullException.ThrowIfNull(stale);
        if (run is null)
        {
            return databaseEmpty
                ? "No check has run yet and the database has no users: sign-ups will appear here after the first run."
                : "No check has run yet: run the checks now, or wait for the next DailyCheck.";
        }

        var parts = run.Checks.Where(c => !c.Passed).Select(CheckSentence).ToList();
        if (parts.Count == 0)
        {
            parts.Add(databaseEmpty ? "All checks pass (the database has no users yet)." : "All checks pass.");
        }

        if (stale.IsStale && stale.LastRunAgeSeconds is { } seconds)
        {
            parts.Insert(0, string.Create(CultureInfo.InvariantCulture,
                $"The last full check ran {seconds / 3600} h ago (more than the {threshold.TotalHours:0} h expected): these numbers may be out of date."));
        }

        return string.Join(" ", parts);
    }

    private static string CheckSentence(CheckResult check) => check.Name switch
    {
        CheckNames.GhostUsers => $"{check.Observed} ghost user(s): auth users without a profile.",
        CheckNames.OrphanedProfiles => $"{check.Observed} orphaned profile(s): profiles without an auth user.",
        CheckNames.CountParity => $"Fewer profiles than auth users ({check.Observed}).",
        CheckNames.TriggerEnabled => $"The sync trigger is {check.Observed}: new sign-ups get no profile.",
        _ => $"{check.Name} fails: {check.Observed} (expected {check.Expected}).",
    };
}
