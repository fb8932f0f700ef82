using UserSync.Core.Reports;
using UserSync.Testing;

namespace UserSync.Core.Tests.Reports;

/// <summary>
/// The example month (tests/Shared/ExampleMonth.cs) recorded in PostgreSQL and reported through
/// the real readers, as the monitor's login: every figure of the report is asserted.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class SuccessReportIntegrationTests(PostgresClusterFixture fixture)
{
    private const double Day = 24 * 60;

    [Fact]
    public async Task The_example_month_gives_every_figure_of_the_plan()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);

        var report = await ExampleMonthReport.BuildAsync(db, ReportPeriod.Month(2026, 11));

        Assert.Equal(("prod", "2026-11", At(11, 1, 0, 0), At(12, 1, 0, 0), At(12, 1, 6, 0), At(12, 1, 0, 0)),
            (report.Environment, report.Period, report.From, report.To, report.GeneratedAt, report.ObservedUntil));

        // Runs: 30 daily timer runs, the re-check after the automatic repair, three on-demand runs.
        Assert.Equal((34, At(11, 1, 2, 0), At(11, 30, 2, 0)), (report.Runs.Total, report.Runs.First, report.Runs.Last));
        Assert.Equal(new Dictionary<string, int> { ["http"] = 3, ["timer"] = 31 }, report.Runs.BySource);

        // "0 always": runs at zero out of 34, and the largest value seen.
        Assert.Equal(new ZeroTarget(34, 30, 0.882353, 4), report.Ghosts);
        Assert.Equal(new ZeroTarget(34, 32, 0.941176, 2), report.Orphans);
        Assert.Equal(new ZeroTarget(34, 28, 0.823529, 4), report.Discrepancy);

        // Trigger: disabled from 12 Nov 02:00 (seen by the timer) until the 09:30 run saw it enabled: 450 of 43,200 minutes.
        Assert.Equal((0.989583, 30 * Day, 30 * Day - 450, 34, 32), (report.Trigger.Uptime, report.Trigger.ObservedMinutes,
            report.Trigger.EnabledMinutes, report.Trigger.Runs, report.Trigger.RunsEnabled));
        Assert.Equal(["disabled", "enabled"], report.Trigger.StatesSeen);

        // Ghost-minutes: 4 x 2 + 3 x 30 + 1 x 10 + 2 x (22 h to the month's end).
        Assert.Equal(8 + 90 + 10 + 2 * 1320, report.GhostMinutes);

        // Time to detect, over the four ghost incidents that began in the month: 6 h, 6 h, 3 h, 14 h.
        Assert.Equal(new MeanTime(4, 435, 840, Day, true), report.TimeToDetect);
        // Time to resolve, over the eight incidents resolved in it: 2, 2, 450, 30, 30, 2880, 10, 10 minutes.
        Assert.Equal(new MeanTime(8, 426.75, 2880, 30, false), report.TimeToResolve);
        // Noise: of six resolved ghost and count incidents, the two of 25 November saw no repair.
        Assert.Equal(new FalsePositives(6, 2, 0.333333, 0.05, false), report.FalsePositives);

        // Repairs in the month (the automatic one of 1 December is not).
        Assert.Equal(new RepairCounts(1, 3, 1, 4, 1), report.Repairs);

        // Ledger: 20 alerts of the month's runs plus the monitor_failed one.
        Assert.Equal((21, 13, 8), (report.Alerts.Alerts, report.Alerts.Firing, report.Alerts.Resolved));
        Assert.Equal(
            [new ChannelDeliveries("email", 18, 0, 0), new ChannelDeliveries("pagerduty", 4, 0, 0), new ChannelDeliveries("slack", 20, 1, 2)],
            report.Alerts.Channels);

        Assert.Equal(
            [
                ("ghost_users", "critical", At(11, 5, 2, 0), (DateTimeOffset?)At(11, 5, 2, 2), false, 1, 4L, (DateTimeOffset?)At(11, 4, 20, 0), (double?)360, (double?)2, 0, 1, 4L, (bool?)false, 1),
                ("count_parity", "critical", At(11, 5, 2, 0), At(11, 5, 2, 2), false, 1, 4, null, null, 2, 0, 1, 4, false, 1),
                ("trigger_enabled", "critical", At(11, 12, 2, 0), At(11, 12, 9, 30), false, 2, 3, null, null, 450, 0, 0, 0, null, 2),
                ("ghost_users", "critical", At(11, 12, 9, 0), At(11, 12, 9, 30), false, 1, 3, At(11, 12, 3, 0), 360, 30, 1, 0, 3, false, 1),
                ("count_parity", "critical", At(11, 12, 9, 0), At(11, 12, 9, 30), false, 1, 3, null, null, 30, 1, 0, 3, false, 1),
                ("orphaned_profiles", "warning", At(11, 20, 2, 0), At(11, 22, 2, 0), false, 2, 0, null, null, 2880, 0, 0, 0, null, 2),
                ("ghost_users", "critical", At(11, 25, 2, 0), At(11, 25, 2, 10), false, 1, 1, At(11, 24, 23, 0), 180, 10, 0, 0, 0, true, 1),
                ("count_parity", "critical", At(11, 25, 2, 0), At(11, 25, 2, 10), false, 1, 1, null, null, 10, 0, 0, 0, true, 1),
                ("ghost_users", "critical", At(11, 30, 2, 0), null, false, 1, 2, At(11, 29, 12, 0), 840, null, 0, 0, 0, null, 1),
                ("count_parity", "critical", At(11, 30, 2, 0), null, false, 1, 2, null, null, null, 0, 0, 0, null, 1),
            ],
            report.Incidents.Select(i => (i.Check, i.Severity, i.StartedAt, i.ResolvedAt, i.StartedBeforePeriod, i.FailingRuns, i.MaxGhosts,
                i.OldestGhostCreatedAt, i.TimeToDetectMinutes, i.TimeToResolveMinutes, i.ManualRepairs, i.AutomaticRepairs, i.UsersRepaired,
                i.ResolvedWithoutRepair, i.AlertsDelivered)));

        Assert.Equal(
            [
                ("ghosts", "0 always", "max 4; 0 in 30 of 34 runs (88.24 %)", (bool?)false),
                ("orphans", "0 always", "max 2; 0 in 32 of 34 runs (94.12 %)", false),
                ("discrepancy", "0 always", "max 4; 0 in 28 of 34 runs (82.35 %)", false),
                ("trigger_uptime", "100 %", "98.96 % of 30 d observed", false),
                ("mttd", "< 24 h", "7 h 15 min over 4 incidents (max 14 h)", true),
                ("mttr", "< 30 min", "7 h 7 min over 8 incidents (max 2 d)", false),
                ("false_positive_rate", "< 5 %", "33.33 % (2 of 6 resolved ghost and count incidents)", false),
            ],
            report.Objectives.Select(o => (o.Key, o.Target, o.Actual, o.Met)));
    }

    [Fact]
    public async Task The_example_month_day_by_day()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);

        var report = await ExampleMonthReport.BuildAsync(db, ReportPeriod.Month(2026, 11));

        Assert.Equal(30, report.Daily.Count);
        Assert.Equal(new DateOnly(2026, 11, 1), report.Daily[0].Day);
        Assert.Equal(
            [
                (5, 2, 4L, 0L, (double?)1, 8.0),
                (12, 3, 3, 0, 0.6875, 90),
                (20, 1, 0, 2, 1, 0),
                (21, 1, 0, 2, 1, 0),
                (25, 2, 1, 0, 1, 10),
                (30, 1, 2, 0, 1, 2640),
            ],
            report.Daily.Where(d => d.MaxGhosts > 0 || d.MaxOrphans > 0 || d.TriggerUptime < 1)
                .Select(d => (d.Day.Day, d.Runs, d.MaxGhosts, d.MaxOrphans, d.TriggerUptime, d.GhostMinutes)));
        Assert.All(report.Daily.Where(d => d.Day.Day is not (5 or 12 or 20 or 21 or 25 or 30)),
            d => Assert.Equal((1, 0L, 0L, (double?)1, 0.0), (d.Runs, d.MaxGhosts, d.MaxOrphans, d.TriggerUptime, d.GhostMinutes)));
    }

    [Fact]
    public async Task A_period_that_begins_inside_an_incident_carries_it_in_and_reports_up_to_now()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);

        // December, as of 1 December 06:00: no run yet, the ghosts of 30 November still there.
        var report = await ExampleMonthReport.BuildAsync(db, ReportPeriod.Month(2026, 12));

        Assert.Equal((At(12, 1, 6, 0), 0, (double?)1, 360.0), (report.ObservedUntil, report.Runs.Total, report.Trigger.Uptime, report.Trigger.ObservedMinutes));
        Assert.Equal(2 * 360, report.GhostMinutes);
        Assert.Equal(
            [("ghost_users", At(11, 30, 2, 0), true, (DateTimeOffset?)null), ("count_parity", At(11, 30, 2, 0), true, null)],
            report.Incidents.Select(i => (i.Check, i.StartedAt, i.StartedBeforePeriod, i.ResolvedAt)));
        // A carried-in incident's detection belongs to the month it began in.
        Assert.Equal(new MeanTime(0, null, null, Day, null), report.TimeToDetect);
        // The automatic repair of 1 December 03:00 belongs to the open ghost incident and to December.
        Assert.Equal((1, 2L), (report.Incidents[0].AutomaticRepairs, report.Incidents[0].UsersRepaired));
        Assert.Equal(new RepairCounts(0, 0, 1, 2, 0), report.Repairs);
        Assert.Equal(("no run", (bool?)null), (report.Objectives[0].Actual, report.Objectives[0].Met));
    }

    [Fact]
    public async Task A_custom_range_counts_only_what_lies_inside_it()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);
        ReportPeriod.TryParseRange("2026-11-12", "2026-11-13", out var period, out _);

        var report = await ExampleMonthReport.BuildAsync(db, period!);

        Assert.Equal(("2026-11-12 to 2026-11-12", 3, 0.6875, 90.0), (report.Period, report.Runs.Total, report.Trigger.Uptime, report.GhostMinutes));
        Assert.Equal(["trigger_enabled", "ghost_users", "count_parity"], report.Incidents.Select(i => i.Check));
        Assert.Equal(new MeanTime(3, 170, 450, 30, false), report.TimeToResolve);
        Assert.Equal(new RepairCounts(1, 3, 0, 0, 0), report.Repairs);
    }

    [Fact]
    public async Task The_history_spans_are_the_reports_incidents_for_every_period()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);

        // The month, and windows that start inside incidents (carried in) or end inside them (still open).
        ReportPeriod[] periods = [ReportPeriod.Month(2026, 11), ReportPeriod.LastDays(7, At(11, 13, 0, 0)),
            ReportPeriod.LastDays(30, At(11, 20, 0, 0)), ReportPeriod.LastDays(7, ExampleMonth.ReportClock),
            ReportPeriod.LastDays(90, ExampleMonth.ReportClock)];
        var compared = 0;
        foreach (var period in periods)
        {
            var report = await ExampleMonthReport.BuildAsync(db, period);
            var spans = SuccessReportBuilder.IncidentSpans(period, await ExampleMonthReport.RunsAsync(db, period));
            Assert.Equal(report.Incidents.Select(i => new IncidentSpan(i.Check, i.Severity, i.StartedAt, i.ResolvedAt)), spans);
            compared += spans.Count;
        }

        Assert.True(compared >= 10, $"the periods hold {compared} incidents in all");

        // Given more runs than the period's (the whole month for its last ten days), the incidents over before it are left out.
        var lastTen = ReportPeriod.LastDays(10, At(12, 1, 0, 0));
        var month = await ExampleMonthReport.RunsAsync(db, ReportPeriod.Month(2026, 11));
        var expected = (await ExampleMonthReport.BuildAsync(db, lastTen)).Incidents.Select(i => new IncidentSpan(i.Check, i.Severity, i.StartedAt, i.ResolvedAt));
        Assert.Equal(expected, SuccessReportBuilder.IncidentSpans(lastTen, month));
        Assert.NotEqual(SuccessReportBuilder.IncidentSpans(ReportPeriod.Month(2026, 11), month).Count, expected.Count());
    }

    private static DateTimeOffset At(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);
}
