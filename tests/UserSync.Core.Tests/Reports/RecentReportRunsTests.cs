using Microsoft.Extensions.Time.Testing;
using UserSync.Core.Reports;
using UserSync.Core.Store;
using UserSync.Core.Tests.Integration;
using UserSync.Testing;

namespace UserSync.Core.Tests.Reports;

/// <summary>
/// The runs the function app holds between the dashboard's polls (RecentReportRuns) give the same
/// report as the direct read, for every period the dashboard asks for, also after runs are recorded
/// since it loaded (one of them committed late, dated before the newest held run).
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class RecentReportRunsTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task Reports_from_the_held_runs_equal_the_direct_reads_before_and_after_new_runs()
    {
        var db = await ExampleMonthReport.DatabaseAsync(fixture.Cluster);
        var clock = new FakeTimeProvider(ExampleMonth.ReportClock);
        var settings = db.Options();
        settings.Environment = "prod";
        var options = Microsoft.Extensions.Options.Options.Create(settings);
        await using var dataSource = MonitorConnections.BuildDataSource(options.Value);
        var connections = new MonitorConnections(dataSource, options);
        using var recent = new RecentReportRuns(clock);
        var direct = new SuccessReports(new ReportReader(connections), clock, options);
        var held = new SuccessReports(new ReportReader(connections, recent), clock, options);

        async Task SameAsync(string when)
        {
            var now = clock.GetUtcNow();
            // The month, the history's windows (incidents carried in from before them), a month
            // before the held window (read directly) and one that has not begun.
            ReportPeriod[] periods =
            [
                ReportPeriod.CurrentMonth(now), ReportPeriod.Month(2026, 11), ReportPeriod.Month(2026, 8),
                ReportPeriod.LastDays(7, now), ReportPeriod.LastDays(30, now), ReportPeriod.LastDays(90, now),
                ReportPeriod.LastDays(1, now.AddDays(-5)), ReportPeriod.Month(2027, 1),
            ];
            foreach (var period in periods)
            {
                var expected = ReportJson.Serialize(await direct.BuildAsync(period, CancellationToken.None));
                var actual = ReportJson.Serialize(await held.BuildAsync(period, CancellationToken.None));
                Assert.True(expected == actual, $"{when}, {period.Label}: the held runs gave another report");
            }
        }

        await SameAsync("first load");
        var before = (await held.BuildAsync(ReportPeriod.LastDays(90, clock.GetUtcNow()), CancellationToken.None)).Runs.Total;

        // Two runs after the load: a failing one at 05:00 and, committed later, one dated five
        // minutes before the newest held run (a run's time is its transaction's start).
        var newest = await fixture.Cluster.ScalarAsync<DateTime>(db.Name, "select max(checked_at) from user_sync.monitoring_log");
        await RecordAsync(db, new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), ghosts: 6);
        await RecordAsync(db, new DateTimeOffset(DateTime.SpecifyKind(newest, DateTimeKind.Utc)).AddMinutes(-5), ghosts: 1);
        clock.Advance(TimeSpan.FromMinutes(30));
        await SameAsync("after two new runs");

        var december = await held.BuildAsync(ReportPeriod.CurrentMonth(clock.GetUtcNow()), CancellationToken.None);
        Assert.Contains(december.Incidents, i => i.Check == "ghost_users" && i.MaxGhosts == 6);
        Assert.Equal(before + 2, (await held.BuildAsync(ReportPeriod.LastDays(90, clock.GetUtcNow()), CancellationToken.None)).Runs.Total);

        // A day later the held window moves (a fresh load from the new horizon): still the same.
        clock.Advance(RecentReportRuns.Reload + TimeSpan.FromMinutes(1));
        await SameAsync("after the window moved");
    }

    private Task RecordAsync(MonitorDatabase db, DateTimeOffset at, long ghosts) =>
        fixture.Cluster.ExecuteAsync(db.Name, $"""
            insert into user_sync.monitoring_log (checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles,
                count_difference, trigger_state, trigger_enabled, checks, duration_ms, run_by, source)
            select '{at.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00', user_sync.overall_status(c.checks), {100 + ghosts}, 100, {ghosts}, 0,
                   {ghosts}, 'enabled', true, c.checks, 150, 'usersync_app', 'incremental'
              from (select jsonb_agg(to_jsonb(e)) as checks
                      from user_sync.evaluate_checks({ghosts}, 0, {100 + ghosts}, 100, 'enabled') e) c;
            """);
}
