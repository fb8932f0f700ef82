using System.Globalization;
using System.Text;

namespace UserSync.Testing;

/// <summary>
/// November 2026 as the monitor would have recorded it, with known incidents (docs/report.md,
/// "The example month", tells the story): daily timer runs at 02:00 plus on-demand runs; a ghost
/// incident repaired automatically in two minutes; the trigger disabled for 7.5 hours with ghosts
/// repaired by hand; orphans for two days; a ghost that went away without a repair; ghosts still
/// open at the month's end. Inserted directly into monitoring_log, cleanup_audit_log and
/// alert_deliveries (as the superuser), with fixed run ids, so every figure of the report is known.
/// The report is built as of <see cref="ReportClock"/>, when the monthly timer would run.
/// </summary>
public static class ExampleMonth
{
    public static readonly DateTimeOffset ReportClock = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    public const string Month = "2026-11";

    public static IReadOnlyList<ExampleRun> Runs { get; } = BuildRuns();

    private static List<ExampleRun> BuildRuns()
    {
        var runs = new List<ExampleRun> { new(At(10, 31, 2, 0), "timer") };
        for (var day = 1; day <= 30; day++)
        {
            var run = new ExampleRun(At(11, day, 2, 0), "timer");
            runs.Add(day switch
            {
                5 => run with { Ghosts = 4, OldestGhost = At(11, 4, 20, 0) },
                12 => run with { Trigger = "disabled" },
                20 or 21 => run with { Orphans = 2 },
                25 => run with { Ghosts = 1, OldestGhost = At(11, 24, 23, 0) },
                30 => run with { Ghosts = 2, OldestGhost = At(11, 29, 12, 0) },
                _ => run,
            });
        }

        runs.Add(new ExampleRun(At(11, 5, 2, 2), "timer"));                                                   // the re-check after the automatic repair
        runs.Add(new ExampleRun(At(11, 12, 9, 0), "http") { Trigger = "disabled", Ghosts = 3, OldestGhost = At(11, 12, 3, 0) });
        runs.Add(new ExampleRun(At(11, 12, 9, 30), "http"));                                                  // trigger restored, ghosts repaired
        runs.Add(new ExampleRun(At(11, 25, 2, 10), "http"));                                                  // the ghost is gone, nobody repaired it
        runs.Sort((a, b) => a.At.CompareTo(b.At));
        return runs.Select((r, i) => r with { RunId = new Guid($"00000000-0000-4000-8000-{i + 1:000000000000}") }).ToList();
    }

    /// <summary>The cleanup audit: (at, action, users, requested_by).</summary>
    public static IReadOnlyList<(DateTimeOffset At, string Action, int Users, string? RequestedBy)> Audit { get; } =
    [
        (At(11, 5, 2, 1), "backfill_ghost_users", 4, "auto-repair"),
        (At(11, 12, 9, 20), "backfill_ghost_users", 3, "cli"),
        (At(11, 18, 14, 0), "self_service_profile", 1, null),
        (At(12, 1, 3, 0), "backfill_ghost_users", 2, "auto-repair"), // after the month: not in its figures
    ];

    /// <summary>The delivery ledger: (run at, check, status, channel, delivered, attempts).</summary>
    public static IReadOnlyList<(DateTimeOffset RunAt, string Check, string Status, string Channel, bool Delivered, int Attempts)> Deliveries { get; } =
        BuildDeliveries();

    private static List<(DateTimeOffset, string, string, string, bool, int)> BuildDeliveries()
    {
        var rows = new List<(DateTimeOffset, string, string, string, bool, int)>();
        void Add(DateTimeOffset at, string check, string status, params string[] channels)
        {
            foreach (var channel in channels)
            {
                rows.Add((at, check, status, channel, true, 1));
            }
        }

        foreach (var (at, status) in new[] { (At(11, 5, 2, 0), "firing"), (At(11, 5, 2, 2), "resolved") })
        {
            Add(at, "ghost_users", status, "email", "slack");
            Add(at, "count_parity", status, "email", "slack");
        }

        Add(At(11, 12, 2, 0), "trigger_enabled", "firing", "email", "slack", "pagerduty");
        Add(At(11, 12, 9, 0), "trigger_enabled", "firing", "email", "pagerduty");
        rows.Add((At(11, 12, 9, 0), "trigger_enabled", "firing", "slack", false, 5));          // Slack kept failing
        Add(At(11, 12, 9, 0), "ghost_users", "firing", "email");
        rows.Add((At(11, 12, 9, 0), "ghost_users", "firing", "slack", true, 2));               // delivered on the second try
        Add(At(11, 12, 9, 0), "count_parity", "firing", "email", "slack");
        Add(At(11, 12, 9, 30), "trigger_enabled", "resolved", "email", "slack", "pagerduty");
        Add(At(11, 12, 9, 30), "ghost_users", "resolved", "email", "slack");
        Add(At(11, 12, 9, 30), "count_parity", "resolved", "email", "slack");
        Add(At(11, 20, 2, 0), "orphaned_profiles", "firing", "slack");
        Add(At(11, 21, 2, 0), "orphaned_profiles", "firing", "slack");
        Add(At(11, 22, 2, 0), "orphaned_profiles", "resolved", "slack");
        foreach (var (at, status) in new[] { (At(11, 25, 2, 0), "firing"), (At(11, 25, 2, 10), "resolved") })
        {
            Add(at, "ghost_users", status, "email", "slack");
            Add(at, "count_parity", status, "email", "slack");
        }

        Add(At(11, 30, 2, 0), "ghost_users", "firing", "email", "slack");
        Add(At(11, 30, 2, 0), "count_parity", "firing", "email", "slack");
        return rows;
    }

    /// <summary>A monitor_failed alert (its run was never recorded), delivered on 15 November.</summary>
    public const string MonitorFailedAlertId = "0000000000004000800000000000ffff:monitor_failed:firing";

    public static readonly DateTimeOffset MonitorFailedAt = At(11, 15, 2, 0);

    /// <summary>The statements that put the month into a migrated database (run as the superuser).</summary>
    public static string Sql()
    {
        var sql = new StringBuilder();
        foreach (var run in Runs)
        {
            var auth = 1000 + run.Ghosts;
            var profiles = 1000 + run.Orphans;
            sql.Append(CultureInfo.InvariantCulture, $"""
                insert into user_sync.monitoring_log (run_id, checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles,
                    count_difference, trigger_state, trigger_enabled, checks, duration_ms, run_by, source, oldest_ghost_created_at)
                select '{run.RunId}', {Literal(run.At)}, user_sync.overall_status(c.checks), {auth}, {profiles}, {run.Ghosts}, {run.Orphans},
                       {auth - profiles}, '{run.Trigger}', {(run.Trigger == "enabled" ? "true" : "false")}, c.checks, 150, 'usersync_app', '{run.Source}',
                       {(run.OldestGhost is { } oldest ? Literal(oldest) : "null")}
                  from (select jsonb_agg(to_jsonb(e)) as checks
                          from user_sync.evaluate_checks({run.Ghosts}, {run.Orphans}, {auth}, {profiles}, '{run.Trigger}') e) c;

                """);
        }

        foreach (var (at, action, users, requestedBy) in Audit)
        {
            var details = requestedBy is null ? "{\"batch_size\": 1000}" : $"{{\"batch_size\": 1000, \"requested_by\": \"{requestedBy}\"}}";
            sql.Append(CultureInfo.InvariantCulture, $"""
                insert into user_sync.cleanup_audit_log (action, performed_at, performed_by, application, affected_count, affected_ids, details)
                select '{action}', {Literal(at)}, 'usersync_app', 'usersync', {users}, array(select gen_random_uuid() from generate_series(1, {users})), '{details}';

                """);
        }

        foreach (var (runAt, check, status, channel, delivered, attempts) in Deliveries)
        {
            var run = Runs.Single(r => r.At == runAt);
            var deliveredAt = delivered ? Literal(runAt.AddMinutes(1)) : "null";
            sql.Append(CultureInfo.InvariantCulture, $"""
                insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, claimed_at, delivered_at, attempts, last_status_code)
                values ('{run.RunId:N}:{check}:{status}', 'default', '{channel}', '{(delivered ? "delivered" : "claimed")}', null, {deliveredAt}, {attempts}, {(delivered ? 200 : 503)});

                """);
        }

        foreach (var channel in new[] { "email", "slack", "pagerduty" })
        {
            sql.Append(CultureInfo.InvariantCulture, $"""
                insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, claimed_at, delivered_at, attempts, last_status_code)
                values ('{MonitorFailedAlertId}', 'default', '{channel}', 'delivered', null, {Literal(MonitorFailedAt.AddMinutes(5))}, 1, 200);

                """);
        }

        return sql.ToString();
    }

    private static DateTimeOffset At(int month, int day, int hour, int minute) =>
        new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static string Literal(DateTimeOffset at) => $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}+00'";
}

/// <summary>One run of the example month.</summary>
public sealed record ExampleRun(DateTimeOffset At, string Source)
{
    public Guid RunId { get; init; }

    public long Ghosts { get; init; }

    public long Orphans { get; init; }

    public string Trigger { get; init; } = "enabled";

    public DateTimeOffset? OldestGhost { get; init; }
}
