using System.Text;
using System.Text.Json;
using Npgsql;
using UserSync.Functions.Http;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>The HTTP functions called directly with a request, against a real database as the monitor login; their results executed as the ASP.NET Core integration executes them.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class HttpFunctionsTests(PostgresClusterFixture fixture)
{
    private static readonly string[] RunProperties =
    [
        "authUsers", "checkedAt", "checks", "countDifference", "durationMs", "ghostUsers", "orphanedProfiles", "profiles",
        "runBy", "runId", "source", "status", "triggerEnabled", "triggerState",
    ];

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Health_is_exactly_status_ok_and_needs_no_database()
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);

        var answer = await app.ExecuteAsync(HealthFunction.Run(app.Request("GET", "/api/user-sync/health")));

        Assert.Equal((200, "application/json"), (answer.StatusCode, answer.MediaType));
        Assert.Equal("""{"status":"ok"}""", answer.Body);
    }

    [Fact]
    public async Task Status_is_a_404_problem_when_no_check_has_run_yet()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var app = TestApp.Create(db.ConnectionString);

        var answer = await app.ExecuteAsync(await app.Function<StatusFunctions>().GetStatusAsync(app.Request("GET", "/api/user-sync/status"), default));

        Assert.Equal((404, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Equal(404, answer.Json.GetProperty("status").GetInt32());
        Assert.Contains("No check", answer.Json.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_returns_the_latest_run_in_camelCase_with_its_checks()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(1);
        await using var app = TestApp.Create(db.ConnectionString);
        var runId = (await RunChecksAsync(app)).Json.GetProperty("run").GetProperty("runId").GetString();

        var answer = await app.ExecuteAsync(await app.Function<StatusFunctions>().GetStatusAsync(app.Request("GET", "/api/user-sync/status"), default));

        var status = Ok(answer);
        Assert.Equal(RunProperties, PropertyNames(status));
        Assert.Equal(runId, status.GetProperty("runId").GetString());
        Assert.Equal(("critical", 3L, 1L, "http"),
            (status.GetProperty("status").GetString(), status.GetProperty("authUsers").GetInt64(), status.GetProperty("ghostUsers").GetInt64(),
                status.GetProperty("source").GetString()));
        var checks = status.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["count_parity", "ghost_users", "orphaned_profiles", "trigger_enabled"],
            checks.Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(checks, c => Assert.Equal(["expected", "name", "observed", "passed", "severity"], PropertyNames(c)));
        var ghostCheck = checks.Single(c => c.GetProperty("name").GetString() == "ghost_users");
        Assert.Equal((false, "critical"), (ghostCheck.GetProperty("passed").GetBoolean(), ghostCheck.GetProperty("severity").GetString()));
    }

    [Fact]
    public async Task Stats_returns_both_counts_ghosts_orphans_and_the_trigger_and_records_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(4);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);

        var stats = Ok(await app.ExecuteAsync(await app.Function<StatusFunctions>().GetStatsAsync(app.Request("GET", "/api/user-sync/stats"), default)));

        Assert.Equal(["authUsers", "countDifference", "ghostUsers", "measuredAt", "orphanedProfiles", "profiles", "triggerEnabled", "triggerState"],
            PropertyNames(stats));
        Assert.Equal((6L, 4L, 2L, 0L), (stats.GetProperty("authUsers").GetInt64(), stats.GetProperty("profiles").GetInt64(),
            stats.GetProperty("ghostUsers").GetInt64(), stats.GetProperty("orphanedProfiles").GetInt64()));
        Assert.Equal((true, "enabled"), (stats.GetProperty("triggerEnabled").GetBoolean(), stats.GetProperty("triggerState").GetString()));
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task History_returns_days_and_the_runs_newest_first_and_covers_30_days_by_default()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await using var app = TestApp.Create(db.ConnectionString);
        var runIds = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            runIds.Add((await RunChecksAsync(app)).Json.GetProperty("run").GetProperty("runId").GetString()!);
        }

        var week = Ok(await app.ExecuteAsync(await app.Function<StatusFunctions>().GetHistoryAsync(app.Request("GET", "/api/user-sync/history?days=7"), default)));
        var fallback = Ok(await app.ExecuteAsync(await app.Function<StatusFunctions>().GetHistoryAsync(app.Request("GET", "/api/user-sync/history"), default)));

        Assert.Equal(["days", "runs"], PropertyNames(week));
        Assert.Equal((7, 30), (week.GetProperty("days").GetInt32(), fallback.GetProperty("days").GetInt32()));
        var runs = week.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Reverse(runIds), runs.Select(r => r.GetProperty("runId").GetString()));
        Assert.All(runs, r => Assert.Equal(RunProperties, PropertyNames(r)));
    }

    [Fact]
    public async Task Ghosts_are_masked_with_short_ids_and_no_cursor_on_the_last_page()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var members = await db.SignUpAsync(2);
        var ghosts = await db.AddGhostsAsync(3);
        await using var app = TestApp.Create(db.ConnectionString);

        var answer = await app.ExecuteAsync(await app.Function<StatusFunctions>().GetGhostsAsync(app.Request("GET", "/api/user-sync/ghosts"), default));

        var page = Ok(answer);
        Assert.Equal(["ghosts", "masked", "nextCursor"], PropertyNames(page));
        Assert.True(page.GetProperty("masked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var rows = page.GetProperty("ghosts").EnumerateArray().ToList();
        Assert.Equal((await db.GhostIdsAsync()).Select(id => id.ToString("N")[..8]), rows.Select(r => r.GetProperty("userId").GetString()));
        Assert.All(rows, r =>
        {
            Assert.Equal(["createdAt", "email", "userId"], PropertyNames(r));
            Assert.Matches(@"^g\*\*\*@example\.com$", r.GetProperty("email").GetString());
        });
        Assert.All(members.Concat(ghosts), email => Assert.DoesNotContain(email, answer.Body, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Following_nextCursor_with_limit_10_visits_each_of_25_ghosts_exactly_once()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(5);
        await db.AddGhostsAsync(25);
        await using var app = TestApp.Create(db.ConnectionString);
        var visited = new List<string>();
        var pageSizes = new List<int>();
        string? cursor = null;

        do
        {
            var uri = cursor is null ? "/api/user-sync/ghosts?limit=10" : $"/api/user-sync/ghosts?limit=10&after={Uri.EscapeDataString(cursor)}";
            var page = Ok(await app.ExecuteAsync(await app.Function<StatusFunctions>().GetGhostsAsync(app.Request("GET", uri), default)));
            var ids = page.GetProperty("ghosts").EnumerateArray().Select(r => r.GetProperty("userId").GetString()!).ToList();
            visited.AddRange(ids);
            pageSizes.Add(ids.Count);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pageSizes.Count < 10);

        Assert.Null(cursor);
        Assert.Equal([10, 10, 5], pageSizes);
        Assert.Equal((await db.GhostIdsAsync()).Select(id => id.ToString("N")[..8]), visited);
    }

    [Fact]
    public async Task Run_checks_answers_outcome_exit_code_run_and_alerts_and_queues_the_same_alerts()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);

        var output = await app.Function<RunChecksFunction>().RunAsync(app.Request("POST", "/api/user-sync/checks/run"), default);

        var result = Ok(await app.ExecuteAsync(output.Response));
        Assert.Equal(["alerts", "exitCode", "outcome", "queued", "run"], PropertyNames(result));
        Assert.Equal(("completed", 2, 2), (result.GetProperty("outcome").GetString(), result.GetProperty("exitCode").GetInt32(), result.GetProperty("queued").GetInt32()));
        Assert.Equal(RunProperties, PropertyNames(result.GetProperty("run")));
        var answered = result.GetProperty("alerts").EnumerateArray().Select(a => a.GetRawText()).ToList();
        Assert.Equal(["count_parity", "ghost_users"], answered.Select(a => Json.Parse(a).GetProperty("check").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(answered, output.Alerts);
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from user_sync.monitoring_log where source = 'http'"));
    }

    [Fact]
    public async Task Run_checks_after_a_repair_queues_the_resolved_messages_the_channels_must_hear()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);
        await RunChecksAsync(app);
        await app.ExecuteAsync(await app.Function<RepairGhostsFunction>().RunAsync(
            app.Request("POST", "/api/user-sync/repair", Encoding.UTF8.GetBytes("""{"apply": true}""")), default));

        var output = await app.Function<RunChecksFunction>().RunAsync(app.Request("POST", "/api/user-sync/checks/run"), default);

        var queued = Assert.IsType<string[]>(output.Alerts).Select(Json.Parse).ToList();
        Assert.Equal([("count_parity", "resolved"), ("ghost_users", "resolved")],
            queued.Select(a => (a.GetProperty("check").GetString(), a.GetProperty("status").GetString())).Order());
    }

    [Fact]
    public async Task Run_checks_on_a_healthy_database_exits_0_and_queues_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await using var app = TestApp.Create(db.ConnectionString);

        var output = await app.Function<RunChecksFunction>().RunAsync(app.Request("POST", "/api/user-sync/checks/run"), default);

        var result = Ok(await app.ExecuteAsync(output.Response));
        Assert.Equal((0, "healthy", 0), (result.GetProperty("exitCode").GetInt32(), result.GetProperty("run").GetProperty("status").GetString(),
            result.GetProperty("alerts").GetArrayLength()));
        Assert.Null(output.Alerts);
    }

    [Fact]
    public async Task Run_checks_while_another_run_holds_the_lock_is_a_409_problem_that_records_and_queues_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(1);
        await using var app = TestApp.Create(db.ConnectionString);
        await using var otherRun = new NpgsqlConnection(db.AdminConnectionString);
        await otherRun.OpenAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(x'5553594E4331'::bigint)", otherRun))
        {
            await take.ExecuteNonQueryAsync();
        }

        var output = await app.Function<RunChecksFunction>().RunAsync(app.Request("POST", "/api/user-sync/checks/run"), default);

        var answer = await app.ExecuteAsync(output.Response);
        Assert.Equal((409, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Null(output.Alerts);
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Run_checks_when_the_database_is_unreachable_is_a_503_problem_without_the_password()
    {
        await using var app = TestApp.Create(TestApp.UnreachableConnectionString);

        var output = await app.Function<RunChecksFunction>().RunAsync(app.Request("POST", "/api/user-sync/checks/run"), default);

        var answer = await app.ExecuteAsync(output.Response);
        Assert.Equal((503, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Null(output.Alerts);
        Assert.DoesNotContain("hunter2", answer.Body + app.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_lists_the_repairs_newest_first_with_who_asked_and_short_ids_and_pages_with_nextBefore()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var ghosts = await db.AddGhostsAsync(5);
        await using var app = TestApp.Create(db.ConnectionString);
        await app.ExecuteAsync(await app.Function<RepairGhostsFunction>().RunAsync(
            app.Request("POST", "/api/user-sync/repair", Encoding.UTF8.GetBytes("""{"apply": true, "batchSize": 2}""")), default));
        var functions = app.Function<StatusFunctions>();

        var first = await app.ExecuteAsync(await functions.GetAuditAsync(app.Request("GET", "/api/user-sync/audit?limit=2"), default));

        var page = Ok(first);
        Assert.Equal(["entries", "nextBefore"], PropertyNames(page));
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([1, 2], entries.Select(e => e.GetProperty("affectedCount").GetInt32()));
        Assert.All(entries, e =>
        {
            Assert.Equal(
                ["action", "affectedCount", "affectedIds", "application", "batchSize", "id", "performedAt", "performedBy", "requestedBy"],
                PropertyNames(e));
            Assert.Equal("backfill_ghost_users", e.GetProperty("action").GetString());
            Assert.Equal(RepairGhostsFunction.RequestedBy, e.GetProperty("requestedBy").GetString());
            Assert.Equal(db.Login, e.GetProperty("performedBy").GetString());
            Assert.All(e.GetProperty("affectedIds").EnumerateArray(), id => Assert.Matches("^[0-9a-f]{8}$", id.GetString()));
        });
        Assert.All(ghosts, email => Assert.DoesNotContain(email, first.Body, StringComparison.OrdinalIgnoreCase));
        var nextBefore = page.GetProperty("nextBefore").GetInt64();
        Assert.Equal(entries[^1].GetProperty("id").GetInt64(), nextBefore);

        var last = Ok(await app.ExecuteAsync(await functions.GetAuditAsync(
            app.Request("GET", $"/api/user-sync/audit?limit=2&before={nextBefore}"), default)));

        Assert.Equal([2], last.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("affectedCount").GetInt32()));
        Assert.Equal(JsonValueKind.Null, last.GetProperty("nextBefore").ValueKind);
    }

    [Fact]
    public async Task Repair_without_a_body_is_a_dry_run_that_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(4);
        await using var app = TestApp.Create(db.ConnectionString);

        var result = Ok(await app.ExecuteAsync(await app.Function<RepairGhostsFunction>().RunAsync(app.Request("POST", "/api/user-sync/repair"), default)));

        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(4, result.GetProperty("ghostUsers").GetInt64());
        Assert.Equal(4, result.GetProperty("firstBatch").GetArrayLength());
        Assert.All(result.GetProperty("firstBatch").EnumerateArray(), u => Assert.Matches("^[0-9a-f]{8}$", u.GetProperty("userId").GetString()));
        Assert.Equal((0L, 0L, 0L), await db.WritesAsync());
    }

    [Fact]
    public async Task Repair_apply_with_batch_size_7_repairs_every_ghost_and_audits_each_batch()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);
        await db.AddGhostsAsync(20);
        await using var app = TestApp.Create(db.ConnectionString);

        var result = Ok(await app.ExecuteAsync(await app.Function<RepairGhostsFunction>().RunAsync(
            app.Request("POST", "/api/user-sync/repair", Encoding.UTF8.GetBytes("""{"apply": true, "batchSize": 7}""")), default)));

        Assert.Equal(["batchSize", "batches", "complete", "dryRun", "remainingGhostUsers", "repaired"], PropertyNames(result));
        Assert.Equal((false, 20, 3, 7, true, 0L),
            (result.GetProperty("dryRun").GetBoolean(), result.GetProperty("repaired").GetInt32(), result.GetProperty("batches").GetInt32(),
                result.GetProperty("batchSize").GetInt32(), result.GetProperty("complete").GetBoolean(), result.GetProperty("remainingGhostUsers").GetInt64()));
        Assert.Equal("7,7,6", await db.ScalarAsync<string>("select string_agg(affected_count::text, ',' order by id) from user_sync.cleanup_audit_log"));
        Assert.Equal(db.Login, await db.ScalarAsync<string>("select string_agg(distinct performed_by, ',') from user_sync.cleanup_audit_log"));
        Assert.Equal(23L, await db.CountAsync("public.users"));
    }

    [Fact]
    public async Task Repair_cut_off_by_the_database_is_a_503_problem_that_says_how_many_were_repaired()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(6);
        var ghosts = await db.GhostIdsAsync();
        await using var app = TestApp.Create(db.ConnectionString);
        await using var interruption = await RepairInterruption.AtGhostAsync(_cluster, db.Name, db.Login, ghosts[2]);

        var repair = app.Function<RepairGhostsFunction>().RunAsync(
            app.Request("POST", "/api/user-sync/repair", Encoding.UTF8.GetBytes("""{"apply": true, "batchSize": 2}""")), default);
        await interruption.CutOffAsync(TimeSpan.FromSeconds(30));
        var answer = await app.ExecuteAsync(await repair);

        Assert.Equal((503, "application/problem+json"), (answer.StatusCode, answer.MediaType));
        Assert.Equal((2L, 1), (answer.Json.GetProperty("repaired").GetInt64(), answer.Json.GetProperty("batches").GetInt32()));
        Assert.Contains("Repaired 2 ghost user(s) in 1 batch(es) before", answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(db.Login, answer.Body, StringComparison.Ordinal);
    }

    private static JsonElement Ok(HttpAnswer answer)
    {
        Assert.True(answer.StatusCode == 200, $"{answer.StatusCode}: {answer.Body}");
        Assert.Equal("application/json", answer.MediaType);
        return answer.Json;
    }

    private static async Task<HttpAnswer> RunChecksAsync(TestApp app) =>
        await app.ExecuteAsync((await app.Function<RunChecksFunction>().RunAsync(app.Request("POST", "/api/user-sync/checks/run"), default)).Response);

    private static List<string> PropertyNames(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
}
