using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using UserSync.Functions.Dashboard;
using UserSync.Functions.Http;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The JSON the dashboard page reads (view/*), called as the worker calls them, on a real database
/// as the monitor login: shapes, the empty and never-checked states, bad parameters, the App
/// Service principal (401 / 403 / 200), ETags and 304s, and the repair's confirmation.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class DashboardApiTests(PostgresClusterFixture fixture)
{
    public const string AdminId = "6f1c2a90-0b1e-4c3a-9d55-1b2c3d4e5f60";
    public const string ViewerId = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";

    private static readonly Dictionary<string, string?> LocalMode = new() { ["UserSync:Dashboard:Authentication"] = "None" };

    private readonly PostgresCluster _cluster = fixture.Cluster;

    private static readonly string[] AllViews = ["me", "summary", "history", "alerts", "ghosts", "audit", "report"];

    public static TheoryData<string> Views => new() { "summary", "history", "alerts", "ghosts", "audit", "report" };

    public static Dictionary<string, string> Principal(string id, string name, params string[] roles) => AppServicePrincipal.Headers(id, name, roles);

    public static Dictionary<string, string> Admin => Principal(AdminId, "ada.admin@example.com", "UserSync.Admin");

    public static Dictionary<string, string> Viewer => Principal(ViewerId, "Victor Viewer");

    [Fact]
    public async Task Me_in_local_mode_says_local_without_a_user_and_may_act()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);

        var me = Ok(await ViewAsync(app, "me", Admin));

        Assert.Equal(["adminRole", "canAct", "loginUrl", "mode", "note", "roles", "signedIn", "user"], PropertyNames(me));
        Assert.Equal(("local", false, true, DashboardViewFunctions.LocalNote), (me.GetProperty("mode").GetString(), me.GetProperty("signedIn").GetBoolean(),
            me.GetProperty("canAct").GetBoolean(), me.GetProperty("note").GetString()));
        Assert.Equal(JsonValueKind.Null, me.GetProperty("user").ValueKind);
    }

    [Fact]
    public async Task Me_in_AppService_mode_without_a_principal_is_signed_out_with_the_login_link_not_an_error()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var me = Ok(await ViewAsync(app, "me"));

        Assert.Equal(("appService", false, false, "/.auth/login/aad"), (me.GetProperty("mode").GetString(), me.GetProperty("signedIn").GetBoolean(),
            me.GetProperty("canAct").GetBoolean(), me.GetProperty("loginUrl").GetString()));
    }

    [Fact]
    public async Task Me_with_a_principal_masks_the_name_and_finds_the_admin_role_in_the_roles_claims()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var admin = Ok(await ViewAsync(app, "me", Admin));
        var viewer = Ok(await ViewAsync(app, "me", Viewer));

        Assert.Equal((AdminId, "a***@example.com", true), (admin.GetProperty("user").GetProperty("id").GetString(),
            admin.GetProperty("user").GetProperty("name").GetString(), admin.GetProperty("canAct").GetBoolean()));
        Assert.Equal(["UserSync.Admin"], admin.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(("V***", false), (viewer.GetProperty("user").GetProperty("name").GetString(), viewer.GetProperty("canAct").GetBoolean()));
        Assert.DoesNotContain("ada.admin", admin.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task Every_view_in_AppService_mode_without_a_principal_is_a_401_problem_pointing_to_sign_in(string view)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var answer = await ViewAsync(app, view);

        Assert.Equal((401, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Equal("/.auth/login/aad", answer.Json.GetProperty("loginUrl").GetString());
        Assert.False(answer.Headers.ContainsKey("ETag"));
    }

    [Fact]
    public async Task Off_mode_refuses_every_view_and_action_even_with_a_principal_and_view_me_says_why()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString, new Dictionary<string, string?> { ["UserSync:Dashboard:Authentication"] = "Off" });

        var me = Ok(await ViewAsync(app, "me", Admin));
        var answers = new List<HttpAnswer> { (await RunNowAsync(app, Admin)).Answer };
        foreach (var view in AllViews.Skip(1))
        {
            answers.Add(await ViewAsync(app, view, Admin));
        }

        Assert.Equal(("off", false, false, DashboardAccess.OffNote), (me.GetProperty("mode").GetString(), me.GetProperty("signedIn").GetBoolean(),
            me.GetProperty("canAct").GetBoolean(), me.GetProperty("note").GetString()));
        Assert.All(answers, a => Assert.Equal((403, "The dashboard is off"), (a.StatusCode, a.Json.GetProperty("title").GetString())));
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("e30=")] // {}: no claims, so no user id
    [InlineData("W10=")] // []: not the principal object
    public async Task A_principal_header_that_is_not_a_principal_with_a_user_id_is_a_401(string header)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var answer = await ViewAsync(app, "summary", new Dictionary<string, string> { [ClientPrincipal.Header] = header });

        Assert.Equal(401, answer.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_viewer_may_view_but_both_actions_are_a_403_naming_the_role_and_write_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);
        var before = await db.WritesAsync();

        Assert.Equal(200, (await ViewAsync(app, "summary", Viewer)).StatusCode);
        var run = await RunNowAsync(app, Viewer);
        var repair = await RepairAsync(app, """{"apply":true,"confirmCount":2}""", Viewer);

        foreach (var answer in (HttpAnswer[])[run.Answer, repair.Answer])
        {
            Assert.Equal((403, "application/problem+json"), (answer.StatusCode, answer.MediaType));
            Assert.Contains("UserSync.Admin", answer.Json.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Null(run.Alerts);
        Assert.Equal(before, await db.WritesAsync());
    }

    [Fact]
    public async Task The_admin_role_setting_names_the_role_actions_need()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString, new Dictionary<string, string?> { ["UserSync:Dashboard:AdminRole"] = "Ops.Admin" });

        var usual = await RunNowAsync(app, Admin);
        var ops = await RunNowAsync(app, Principal(AdminId, "ops", "Ops.Admin"));

        Assert.Equal(403, usual.Answer.StatusCode);
        Assert.Contains("Ops.Admin", usual.Answer.Json.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, ops.Answer.StatusCode);
    }

    [Fact]
    public async Task Summary_of_an_empty_database_before_any_run_is_unknown_and_empty_a_state_not_an_error()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var summary = Ok(await ViewAsync(app, "summary", Viewer));

        Assert.Equal(["autoRepair", "checks", "database", "generatedAt", "lastRun", "nextRuns", "report", "sentence", "stale", "stats", "status",
            "statusSince"], PropertyNames(summary));
        Assert.Equal(("unknown", "empty"), (summary.GetProperty("status").GetString(), summary.GetProperty("database").GetString()));
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null),
            (summary.GetProperty("lastRun").ValueKind, summary.GetProperty("stats").ValueKind, summary.GetProperty("statusSince").ValueKind));
        Assert.Equal(0, summary.GetProperty("checks").GetArrayLength());
        Assert.StartsWith("No check has run yet", summary.GetProperty("sentence").GetString(), StringComparison.Ordinal);
        Assert.False(summary.GetProperty("stale").GetProperty("isStale").GetBoolean());
        Assert.Equal(26 * 3600, summary.GetProperty("stale").GetProperty("thresholdSeconds").GetInt64());
        Assert.Equal(["DailyCheck", "IncrementalCheck"], summary.GetProperty("nextRuns").EnumerateArray().Select(r => r.GetProperty("function").GetString()));
        Assert.All(summary.GetProperty("nextRuns").EnumerateArray(), r => Assert.True(r.GetProperty("next").GetDateTimeOffset() > DateTimeOffset.UtcNow));
        var report = summary.GetProperty("report");
        Assert.Equal((DateTimeOffset.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), 0, 0),
            (report.GetProperty("month").GetString(), report.GetProperty("runs").GetInt32(), report.GetProperty("incidents").GetInt32()));
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("autoRepair").GetProperty("lastAutomatic").ValueKind);
    }

    [Fact]
    public async Task Summary_of_a_database_with_users_but_no_run_yet_is_unknown_and_ok()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);

        var summary = Ok(await ViewAsync(app, "summary", Viewer));

        Assert.Equal(("unknown", "ok"), (summary.GetProperty("status").GetString(), summary.GetProperty("database").GetString()));
        Assert.Equal("No check has run yet: run the checks now, or wait for the next DailyCheck.", summary.GetProperty("sentence").GetString());
    }

    [Fact]
    public async Task Run_now_records_who_asked_and_the_summary_shows_the_run_its_failing_checks_and_streaks()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);

        var first = await RunNowAsync(app, Admin);
        var second = await RunNowAsync(app, Admin);
        var summary = Ok(await ViewAsync(app, "summary", Viewer));

        Assert.Equal(200, first.Answer.StatusCode);
        Assert.NotNull(first.Alerts);
        Assert.Equal($"dashboard:{AdminId}", await db.ScalarAsync<string>("select requested_by from user_sync.monitoring_log order by id desc limit 1"));
        var lastRun = summary.GetProperty("lastRun");
        Assert.Equal(["checkedAt", "durationMs", "id", "requestedBy", "source", "status"], PropertyNames(lastRun));
        Assert.Equal((second.Answer.Json.GetProperty("run").GetProperty("runId").GetString(), "dashboard", "critical", $"dashboard:{AdminId}"),
            (lastRun.GetProperty("id").GetString(), lastRun.GetProperty("source").GetString(), lastRun.GetProperty("status").GetString(),
                lastRun.GetProperty("requestedBy").GetString()));
        Assert.Equal(("critical", "ok"), (summary.GetProperty("status").GetString(), summary.GetProperty("database").GetString()));
        var firstAt = first.Answer.Json.GetProperty("run").GetProperty("checkedAt").GetDateTimeOffset();
        Assert.Equal(firstAt, summary.GetProperty("statusSince").GetDateTimeOffset());
        var stats = summary.GetProperty("stats");
        Assert.Equal(["authUsers", "difference", "ghosts", "orphans", "profiles", "triggerState"], PropertyNames(stats));
        Assert.Equal((5L, 2L, 3L, 0L, 3L, "enabled"), (stats.GetProperty("authUsers").GetInt64(), stats.GetProperty("profiles").GetInt64(),
            stats.GetProperty("ghosts").GetInt64(), stats.GetProperty("orphans").GetInt64(), stats.GetProperty("difference").GetInt64(),
            stats.GetProperty("triggerState").GetString()));
        var checks = summary.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.All(checks.Values, c => Assert.Equal(["expected", "failingSince", "name", "observed", "result", "runbook", "severity", "streak"], PropertyNames(c)));
        var ghosts = checks["ghost_users"];
        Assert.Equal(("fail", "critical", "3", 2, firstAt), (ghosts.GetProperty("result").GetString(), ghosts.GetProperty("severity").GetString(),
            ghosts.GetProperty("observed").GetString(), ghosts.GetProperty("streak").GetInt32(), ghosts.GetProperty("failingSince").GetDateTimeOffset()));
        Assert.EndsWith("/docs/runbook.md#ghost-users", ghosts.GetProperty("runbook").GetString(), StringComparison.Ordinal);
        var trigger = checks["trigger_enabled"];
        Assert.Equal(("pass", 0, JsonValueKind.Null), (trigger.GetProperty("result").GetString(), trigger.GetProperty("streak").GetInt32(),
            trigger.GetProperty("failingSince").ValueKind));
        Assert.Contains("3 ghost user(s)", summary.GetProperty("sentence").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, summary.GetProperty("report").GetProperty("runs").GetInt32());
    }

    [Fact]
    public async Task Run_now_in_local_mode_is_recorded_as_asked_for_by_dashboard_local()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);

        var run = await RunNowAsync(app, headers: null);

        Assert.Equal(200, run.Answer.StatusCode);
        Assert.Equal("dashboard:local", await db.ScalarAsync<string>("select requested_by from user_sync.monitoring_log"));
    }

    [Fact]
    public async Task A_GET_answers_an_ETag_and_the_same_If_None_Match_is_a_304_without_a_body_until_a_run_is_recorded()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);
        await RunNowAsync(app, null);

        foreach (var view in AllViews)
        {
            var first = await ViewAsync(app, view);
            var etag = first.Headers["ETag"];
            var again = await ViewAsync(app, view, new Dictionary<string, string> { ["If-None-Match"] = etag });
            var other = await ViewAsync(app, view, new Dictionary<string, string> { ["If-None-Match"] = "W/\"something-else\"" });

            Assert.StartsWith("W/\"", etag, StringComparison.Ordinal);
            Assert.Equal((304, "", etag), (again.StatusCode, again.Body, again.Headers["ETag"]));
            Assert.Equal("private, no-cache", again.Headers["Cache-Control"]);
            Assert.Equal(200, other.StatusCode);
        }

        var before = (await ViewAsync(app, "summary")).Headers["ETag"];
        await RunNowAsync(app, null);
        var after = await ViewAsync(app, "summary", new Dictionary<string, string> { ["If-None-Match"] = before });

        Assert.Equal(200, after.StatusCode);
        Assert.NotEqual(before, after.Headers["ETag"]);
    }

    [Fact]
    public async Task History_has_the_full_runs_oldest_first_and_the_incidents_in_them()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);
        var healthy = await RunNowAsync(app, null);
        await db.AddGhostsAsync(2);
        var critical = await RunNowAsync(app, null);

        var week = Ok(await ViewAsync(app, "history?days=7"));
        var fallback = Ok(await ViewAsync(app, "history"));

        Assert.Equal(["days", "incidents", "runs"], PropertyNames(week));
        Assert.Equal((7, 30), (week.GetProperty("days").GetInt32(), fallback.GetProperty("days").GetInt32()));
        var runs = week.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([healthy.Answer.Json.GetProperty("run").GetProperty("runId").GetString(), critical.Answer.Json.GetProperty("run").GetProperty("runId").GetString()],
            runs.Select(r => r.GetProperty("id").GetString()));
        Assert.All(runs, r => Assert.Equal(["authUsers", "checkedAt", "difference", "durationMs", "ghosts", "id", "orphans", "profiles", "requestedBy", "source",
            "status"], PropertyNames(r)));
        Assert.Equal((0L, 2L), (runs[0].GetProperty("ghosts").GetInt64(), runs[1].GetProperty("ghosts").GetInt64()));
        var incidents = week.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("check").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["count_parity", "ghost_users"], incidents);
        var ghostIncident = week.GetProperty("incidents").EnumerateArray().Single(i => i.GetProperty("check").GetString() == "ghost_users");
        Assert.Equal(["check", "firingAt", "resolvedAt", "severity"], PropertyNames(ghostIncident));
        Assert.Equal(JsonValueKind.Null, ghostIncident.GetProperty("resolvedAt").ValueKind);
    }

    [Theory]
    [InlineData("history?days=0", "days")]
    [InlineData("history?days=8", "days")]
    [InlineData("history?days=seven", "days")]
    [InlineData("history?days=7&days=30", "days")]
    [InlineData("alerts?limit=0", "limit")]
    [InlineData("alerts?limit=201", "limit")]
    [InlineData("ghosts?limit=abc", "limit")]
    [InlineData("ghosts?after=not-a-cursor", "after")]
    [InlineData("audit?before=0", "before")]
    [InlineData("audit?limit=1001", "limit")]
    [InlineData("report?month=2026-13", "month")]
    [InlineData("report?month=last", "month")]
    public async Task A_bad_parameter_is_a_400_problem_naming_it(string view, string field)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);

        AssertProblem(await ViewAsync(app, view), field);
    }

    [Fact]
    public async Task Alerts_list_the_ledger_newest_first_per_receiver_and_say_why_the_poison_queue_is_not_shown()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(1);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);
        var run = await RunNowAsync(app, null);
        var alertId = run.Answer.Json.GetProperty("alerts")[0].GetProperty("alertId").GetString();
        await _cluster.ExecuteAsync(db.Name, $"""
            insert into user_sync.alert_deliveries (alert_id, receiver, channel, status, delivered_at, attempts, last_status_code) values
              ('{alertId}', 'oncall', 'email', 'delivered', now(), 1, 202),
              ('{alertId}', 'data-eng', 'slack', 'claimed', null, 2, 500);
            """);

        var alerts = Ok(await ViewAsync(app, "alerts?limit=5"));

        Assert.Equal(["deliveries", "poison"], PropertyNames(alerts));
        var deliveries = alerts.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.All(deliveries, d => Assert.Equal(["alertId", "at", "attempts", "channel", "check", "outcome", "receiver", "status"], PropertyNames(d)));
        Assert.Equal([("oncall", "email", "delivered"), ("data-eng", "slack", "failed")],
            deliveries.Select(d => (d.GetProperty("receiver").GetString(), d.GetProperty("channel").GetString(), d.GetProperty("outcome").GetString())));
        Assert.All(deliveries, d => Assert.Equal(("ghost_users", "firing"), (d.GetProperty("check").GetString(), d.GetProperty("status").GetString())));
        var poison = alerts.GetProperty("poison");
        Assert.Equal(JsonValueKind.Null, poison.GetProperty("count").ValueKind);
        Assert.Contains("AzureWebJobsStorage", poison.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ghosts_and_audit_have_the_shapes_of_the_function_key_routes()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        await db.ScalarAsync<Guid>("select run_id from user_sync.record_user_sync_metrics('test')");
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);
        var functions = app.Function<StatusFunctions>();

        var view = await ViewAsync(app, "ghosts?limit=2");
        var keyed = await app.ExecuteAsync(await functions.GetGhostsAsync(app.Request("GET", "/api/user-sync/ghosts?limit=2"), default));
        var audit = Ok(await ViewAsync(app, "audit"));

        Assert.Equal(keyed.Body, view.Body);
        Assert.Equal(2, Ok(view).GetProperty("ghosts").GetArrayLength());
        Assert.DoesNotContain("ghost001@example.com", view.Body, StringComparison.Ordinal);
        Assert.Equal(["entries", "nextBefore"], PropertyNames(audit));
    }

    [Fact]
    public async Task The_ghost_view_lists_what_the_latest_run_found_that_is_still_a_ghost_while_the_keyed_route_reads_live()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await db.ScalarAsync<Guid>("select run_id from user_sync.record_user_sync_metrics('test')");
        await db.ScalarAsync<long>("select count(*) from user_sync.repair_ghost_users(1, false, null)"); // one of the run's two
        await db.AddGhostsAsync(1, prefix: "later");
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);
        var functions = app.Function<StatusFunctions>();
        var live = await db.GhostIdsAsync();

        var view = Ok(await ViewAsync(app, "ghosts")).GetProperty("ghosts").GetArrayLength();
        var keyed = Ok(await app.ExecuteAsync(await functions.GetGhostsAsync(app.Request("GET", "/api/user-sync/ghosts"), default)))
            .GetProperty("ghosts").GetArrayLength();

        Assert.Equal(2, live.Count); // one of the run's two repaired, one new since the run
        Assert.Equal(2, keyed);
        Assert.Equal(1, view); // the run's other ghost; the new one waits for the next run
        await db.ScalarAsync<Guid>("select run_id from user_sync.record_user_sync_metrics('test')");
        Assert.Equal(2, Ok(await ViewAsync(app, "ghosts")).GetProperty("ghosts").GetArrayLength());
    }

    [Fact]
    public async Task Report_is_the_success_report_of_the_month_asked_for_or_the_current_one()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString, LocalMode);

        var current = Ok(await ViewAsync(app, "report"));
        var november = Ok(await ViewAsync(app, "report?month=2026-11"));

        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), current.GetProperty("period").GetString());
        Assert.Equal("2026-11", november.GetProperty("period").GetString());
        Assert.True(november.TryGetProperty("objectives", out _));
    }

    [Fact]
    public async Task Repair_dry_run_shows_the_count_and_a_masked_sample_and_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);
        var before = await db.WritesAsync();

        var withBody = await RepairAsync(app, """{"apply":false}""", Admin);
        var withoutBody = await RepairAsync(app, null, Admin);

        var preview = Ok(withBody.Answer);
        Assert.Equal(withBody.Answer.Body, withoutBody.Answer.Body);
        Assert.Equal(["count", "dryRun", "sample"], PropertyNames(preview));
        Assert.Equal((true, 3L, 3), (preview.GetProperty("dryRun").GetBoolean(), preview.GetProperty("count").GetInt64(), preview.GetProperty("sample").GetArrayLength()));
        Assert.All(preview.GetProperty("sample").EnumerateArray(), u => Assert.Matches("^[0-9a-f]{8}$", u.GetProperty("userId").GetString()!));
        Assert.Null(withBody.Alerts);
        Assert.Equal(before, await db.WritesAsync());
    }

    [Fact]
    public async Task Repair_apply_with_a_count_that_changed_is_a_409_with_the_new_count_and_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);
        await db.AddGhostsAsync(1, "later");
        var before = await db.WritesAsync();

        var answer = (await RepairAsync(app, """{"apply":true,"confirmCount":2}""", Admin)).Answer;

        Assert.Equal((409, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Equal((3L, 2L), (answer.Json.GetProperty("count").GetInt64(), answer.Json.GetProperty("confirmCount").GetInt64()));
        Assert.Equal(before, await db.WritesAsync());
    }

    [Fact]
    public async Task Repair_apply_with_the_confirmed_count_repairs_audits_who_asked_rechecks_and_queues_the_resolve()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await db.AddGhostsAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);
        var found = await RunNowAsync(app, Admin);

        var repair = await RepairAsync(app, """{"apply":true,"confirmCount":3}""", Admin);

        var report = Ok(repair.Answer);
        Assert.Equal(["batches", "complete", "dryRun", "recheck", "remainingGhostUsers", "repaired", "requestedBy"], PropertyNames(report));
        Assert.Equal((false, 3L, true, 0L, $"dashboard:{AdminId}"), (report.GetProperty("dryRun").GetBoolean(), report.GetProperty("repaired").GetInt64(),
            report.GetProperty("complete").GetBoolean(), report.GetProperty("remainingGhostUsers").GetInt64(), report.GetProperty("requestedBy").GetString()));
        Assert.Equal(("healthy", "dashboard"), (report.GetProperty("recheck").GetProperty("status").GetString(), report.GetProperty("recheck").GetProperty("source").GetString()));
        Assert.Equal(0L, await db.ScalarAsync<long>("select ghost_users from user_sync.get_user_sync_stats()"));
        Assert.Equal($"dashboard:{AdminId}", await db.ScalarAsync<string>("select details->>'requested_by' from user_sync.cleanup_audit_log"));
        var entry = Ok(await ViewAsync(app, "audit", Viewer)).GetProperty("entries")[0];
        Assert.Equal(($"dashboard:{AdminId}", 3), (entry.GetProperty("requestedBy").GetString(), entry.GetProperty("affectedCount").GetInt32()));
        Assert.NotNull(found.Alerts);
        Assert.Contains(repair.Alerts!, a => a.Contains("\"status\":\"resolved\"", StringComparison.Ordinal) && a.Contains("ghost_users", StringComparison.Ordinal));
        var summary = Ok(await ViewAsync(app, "summary", Viewer));
        Assert.Equal(("healthy", 0L), (summary.GetProperty("status").GetString(), summary.GetProperty("stats").GetProperty("ghosts").GetInt64()));
    }

    [Theory]
    [InlineData("""{"apply":"yes"}""", "apply")]
    [InlineData("""{"apply":true}""", "confirmCount")]
    [InlineData("""{"apply":true,"confirmCount":-1}""", "confirmCount")]
    [InlineData("""{"apply":true,"confirmCount":"3"}""", "confirmCount")]
    [InlineData("""{"apply":false,"confirmCount":3}""", "confirmCount")]
    [InlineData("""{"confirm":3}""", "confirm")]
    [InlineData("""[true]""", "body")]
    [InlineData("""not json""", "body")]
    public async Task A_bad_repair_body_is_a_400_problem_naming_the_field_and_writes_nothing(string body, string field)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(1);
        await using var app = TestApp.Create(db.ConnectionString);
        var before = await db.WritesAsync();

        var repair = await RepairAsync(app, body, Admin);

        AssertProblem(repair.Answer, field);
        Assert.Equal(before, await db.WritesAsync());
    }

    private static async Task<HttpAnswer> ViewAsync(TestApp app, string pathAndQuery, IReadOnlyDictionary<string, string>? headers = null)
    {
        var functions = app.Function<DashboardViewFunctions>();
        var request = app.Request("GET", "/api/user-sync/view/" + pathAndQuery, headers: headers);
        IResult result = pathAndQuery.Split('?')[0] switch
        {
            "me" => functions.Me(request),
            "summary" => await functions.SummaryAsync(request, default),
            "history" => await functions.HistoryAsync(request, default),
            "alerts" => await functions.AlertsAsync(request, default),
            "ghosts" => await functions.GhostsAsync(request, default),
            "audit" => await functions.AuditAsync(request, default),
            "report" => await functions.ReportAsync(request, default),
            var other => throw new ArgumentException($"no view {other}", nameof(pathAndQuery)),
        };
        return await app.ExecuteAsync(result);
    }

    private static async Task<(HttpAnswer Answer, string[]? Alerts)> RunNowAsync(TestApp app, IReadOnlyDictionary<string, string>? headers)
    {
        var output = await app.Function<DashboardActionFunctions>().RunChecksAsync(app.Request("POST", "/api/user-sync/view/checks/run", headers: headers), default);
        return (await app.ExecuteAsync(output.Response), output.Alerts);
    }

    private static async Task<(HttpAnswer Answer, string[]? Alerts)> RepairAsync(TestApp app, string? body, IReadOnlyDictionary<string, string>? headers)
    {
        var request = app.Request("POST", "/api/user-sync/view/repair", body is null ? null : Encoding.UTF8.GetBytes(body), headers: headers);
        var output = await app.Function<DashboardActionFunctions>().RepairAsync(request, default);
        return (await app.ExecuteAsync(output.Response), output.Alerts);
    }

    private static void AssertProblem(HttpAnswer answer, string field)
    {
        Assert.True(answer.StatusCode == 400, $"{answer.StatusCode}: {answer.Body}");
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
    }

    private static JsonElement Ok(HttpAnswer answer)
    {
        Assert.True(answer.StatusCode == 200, $"{answer.StatusCode}: {answer.Body}");
        Assert.Equal("application/json", answer.MediaType);
        return answer.Json;
    }

    private static List<string> PropertyNames(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
}
