using System.Net;
using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>The proxied HTTP functions under /api/user-sync/, against a real database as the monitor login.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class AdminApiTests(PostgresClusterFixture fixture)
{
    private static readonly string[] RunProperties =
    [
        "authUsers", "checkedAt", "checks", "countDifference", "durationMs", "ghostUsers", "orphanedProfiles", "profiles",
        "runBy", "runId", "source", "status", "triggerEnabled", "triggerState",
    ];

    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Status_is_a_404_problem_when_no_check_has_run_yet()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/status", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json.ReadAsync(response);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("No check", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_returns_the_latest_run_in_camelCase_with_its_checks()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(1);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        using var run = await handler.Client.PostAsync(new Uri("/api/user-sync/checks/run", UriKind.Relative), null);
        var runId = (await HandlerAssert.OkJsonAsync(run)).GetProperty("run").GetProperty("runId").GetString();

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/status", UriKind.Relative));

        var status = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(RunProperties, HandlerAssert.PropertyNames(status));
        Assert.Equal(runId, status.GetProperty("runId").GetString());
        Assert.Equal("critical", status.GetProperty("status").GetString());
        Assert.Equal(3, status.GetProperty("authUsers").GetInt64());
        Assert.Equal(1, status.GetProperty("ghostUsers").GetInt64());
        Assert.Equal("http", status.GetProperty("source").GetString());
        var checks = status.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["count_parity", "ghost_users", "orphaned_profiles", "trigger_enabled"],
            checks.Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(checks, c => Assert.Equal(["expected", "name", "observed", "passed", "severity"], HandlerAssert.PropertyNames(c)));
        var ghostCheck = checks.Single(c => c.GetProperty("name").GetString() == "ghost_users");
        Assert.False(ghostCheck.GetProperty("passed").GetBoolean());
        Assert.Equal("critical", ghostCheck.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Stats_returns_both_counts_ghosts_orphans_and_the_trigger_in_camelCase()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(4);
        await db.AddGhostsAsync(2);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/stats", UriKind.Relative));

        var stats = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(["authUsers", "countDifference", "ghostUsers", "measuredAt", "orphanedProfiles", "profiles", "triggerEnabled", "triggerState"],
            HandlerAssert.PropertyNames(stats));
        Assert.Equal(6, stats.GetProperty("authUsers").GetInt64());
        Assert.Equal(4, stats.GetProperty("profiles").GetInt64());
        Assert.Equal(2, stats.GetProperty("ghostUsers").GetInt64());
        Assert.Equal(0, stats.GetProperty("orphanedProfiles").GetInt64());
        Assert.True(stats.GetProperty("triggerEnabled").GetBoolean());
        Assert.Equal("enabled", stats.GetProperty("triggerState").GetString());
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task History_returns_days_and_the_runs_newest_first()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(1);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        var runIds = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var run = await handler.Client.PostAsync(new Uri("/api/user-sync/checks/run", UriKind.Relative), null);
            runIds.Add((await HandlerAssert.OkJsonAsync(run)).GetProperty("run").GetProperty("runId").GetString()!);
        }

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/history?days=7", UriKind.Relative));

        var history = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(["days", "runs"], HandlerAssert.PropertyNames(history));
        Assert.Equal(7, history.GetProperty("days").GetInt32());
        var runs = history.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Reverse(runIds), runs.Select(r => r.GetProperty("runId").GetString()));
        Assert.All(runs, r => Assert.Equal(RunProperties, HandlerAssert.PropertyNames(r)));
    }

    [Fact]
    public async Task History_without_days_covers_30_days()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/history", UriKind.Relative));

        var history = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(30, history.GetProperty("days").GetInt32());
        Assert.Equal(0, history.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task Ghosts_are_masked_with_short_ids_and_no_cursor_on_the_last_page()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var members = await db.SignUpAsync(2);
        var ghosts = await db.AddGhostsAsync(3);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/ghosts", UriKind.Relative));

        var page = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(["ghosts", "masked", "nextCursor"], HandlerAssert.PropertyNames(page));
        Assert.True(page.GetProperty("masked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var rows = page.GetProperty("ghosts").EnumerateArray().ToList();
        var expectedIds = await db.GhostIdsAsync();
        Assert.Equal(expectedIds.Select(id => id.ToString("N")[..8]), rows.Select(r => r.GetProperty("userId").GetString()));
        Assert.All(rows, r =>
        {
            Assert.Equal(["createdAt", "email", "userId"], HandlerAssert.PropertyNames(r));
            Assert.Matches(@"^g\*\*\*@example\.com$", r.GetProperty("email").GetString());
        });
        var text = page.GetRawText();
        Assert.All(members.Concat(ghosts), email => Assert.DoesNotContain(email, text, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Following_nextCursor_with_limit_10_visits_each_of_25_ghosts_exactly_once()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(5);
        await db.AddGhostsAsync(25);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        var visited = new List<string>();
        var pageSizes = new List<int>();
        string? cursor = null;

        do
        {
            var uri = cursor is null ? "/api/user-sync/ghosts?limit=10" : $"/api/user-sync/ghosts?limit=10&after={Uri.EscapeDataString(cursor)}";
            using var response = await handler.Client.GetAsync(new Uri(uri, UriKind.Relative));
            var page = await HandlerAssert.OkJsonAsync(response);
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
    public async Task Run_checks_answers_outcome_exit_code_run_and_alerts()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(2);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.PostAsync(new Uri("/api/user-sync/checks/run", UriKind.Relative), null);

        var result = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(["alerts", "exitCode", "outcome", "run"], HandlerAssert.PropertyNames(result));
        Assert.Equal("completed", result.GetProperty("outcome").GetString());
        Assert.Equal(2, result.GetProperty("exitCode").GetInt32());
        Assert.Equal(RunProperties, HandlerAssert.PropertyNames(result.GetProperty("run")));
        Assert.Equal("critical", result.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(["count_parity", "ghost_users"],
            result.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("check").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from user_sync.monitoring_log where source = 'http'"));
    }

    [Fact]
    public async Task Run_checks_on_a_healthy_database_exits_0_with_no_alerts()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.PostAsync(new Uri("/api/user-sync/checks/run", UriKind.Relative), null);

        var result = await HandlerAssert.OkJsonAsync(response);
        Assert.Equal(0, result.GetProperty("exitCode").GetInt32());
        Assert.Equal("healthy", result.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(0, result.GetProperty("alerts").GetArrayLength());
    }

    [Fact]
    public async Task Run_checks_while_another_run_holds_the_lock_is_a_409_problem()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);
        await using var otherRun = new Npgsql.NpgsqlConnection(db.AdminConnectionString);
        await otherRun.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand("select pg_advisory_lock(x'5553594E4331'::bigint)", otherRun))
        {
            await take.ExecuteNonQueryAsync();
        }

        using var response = await handler.Client.PostAsync(new Uri("/api/user-sync/checks/run", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Run_checks_when_the_database_is_unreachable_is_a_503_problem()
    {
        await using var handler = await HandlerServer.StartAsync(HandlerServer.UnreachableConnectionString);

        using var response = await handler.Client.PostAsync(new Uri("/api/user-sync/checks/run", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("hunter2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repair_without_a_body_is_a_dry_run_that_writes_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(4);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.PostAsync(new Uri("/api/user-sync/repair", UriKind.Relative), null);

        var result = await HandlerAssert.OkJsonAsync(response);
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(4, result.GetProperty("ghostUsers").GetInt64());
        Assert.Equal(4, result.GetProperty("firstBatch").GetArrayLength());
        Assert.All(result.GetProperty("firstBatch").EnumerateArray(), u => Assert.Matches("^[0-9a-f]{8}$", u.GetProperty("userId").GetString()));
        Assert.Equal((0L, 0L, 0L), await db.WritesAsync());
        Assert.Equal(4L, await db.ScalarAsync<long>("select ghost_users from user_sync.get_user_sync_stats()"));
    }

    [Fact]
    public async Task Repair_apply_with_batch_size_7_repairs_every_ghost_and_audits_each_batch()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);
        await db.AddGhostsAsync(20);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.PostJsonAsync("/api/user-sync/repair", """{"apply": true, "batchSize": 7}""");

        var result = await HandlerAssert.OkJsonAsync(response);
        Assert.False(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(20, result.GetProperty("repaired").GetInt32());
        Assert.Equal(3, result.GetProperty("batches").GetInt32());
        Assert.Equal(7, result.GetProperty("batchSize").GetInt32());
        Assert.True(result.GetProperty("complete").GetBoolean());
        Assert.Equal(0, result.GetProperty("remainingGhostUsers").GetInt64());
        Assert.Equal("7,7,6", await db.ScalarAsync<string>(
            "select string_agg(affected_count::text, ',' order by id) from user_sync.cleanup_audit_log"));
        Assert.Equal(db.Login, await db.ScalarAsync<string>("select string_agg(distinct performed_by, ',') from user_sync.cleanup_audit_log"));
        Assert.Equal(23L, await db.CountAsync("public.users"));
    }

    [Fact]
    public async Task Health_is_exactly_status_ok_with_no_database_detail()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await using var handler = await HandlerServer.StartAsync(db.ConnectionString);

        using var response = await handler.Client.GetAsync(new Uri("/api/user-sync/health", UriKind.Relative));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", text);
        Assert.DoesNotContain(db.Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain(db.Login, text, StringComparison.Ordinal);
    }
}
