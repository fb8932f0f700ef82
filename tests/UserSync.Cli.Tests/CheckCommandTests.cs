using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class CheckCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Check_on_a_healthy_database_exits_0_and_records_the_run()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(3);

        var result = await db.RunAsync("check");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("status: healthy", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("no alert messages", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("", result.Stderr);
        Assert.Equal("healthy", await db.ScalarAsync<string>("select status from user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Check_with_only_an_orphaned_profile_exits_1_degraded()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddOrphanAsync();

        var result = await db.RunAsync("check");

        CliAssert.ExitCode(ExitCodes.Degraded, result);
        Assert.Contains("status: degraded", result.Stdout, StringComparison.Ordinal);
        var alert = Assert.Single(result.AlertLines);
        Assert.Equal("orphaned_profiles", alert.GetProperty("check").GetString());
        Assert.Equal("warning", alert.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Check_with_ghosts_exits_2_and_prints_a_firing_ghost_users_alert_with_masked_samples()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(5);

        var result = await db.RunAsync("check");

        CliAssert.ExitCode(ExitCodes.Critical, result);
        var ghostAlert = result.AlertLines.Single(a => a.GetProperty("check").GetString() == "ghost_users");
        Assert.Equal("firing", ghostAlert.GetProperty("status").GetString());
        Assert.Equal("critical", ghostAlert.GetProperty("severity").GetString());
        Assert.Equal("5", ghostAlert.GetProperty("observed").GetString());
        var samples = ghostAlert.GetProperty("samples").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Equal(3, samples.Count);
        Assert.All(samples, s => Assert.Matches(@"^[0-9a-f]{8} g\*\*\*@example\.com$", s));
    }

    [Fact]
    public async Task Check_with_ghosts_prints_no_full_email_anywhere()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var members = await db.SignUpAsync(2);
        var ghosts = await db.AddGhostsAsync(5);

        var text = await db.RunAsync("check");
        var json = await db.RunAsync("check", "--json");

        CliAssert.ExitCode(ExitCodes.Critical, text);
        CliAssert.ExitCode(ExitCodes.Critical, json);
        CliAssert.NoFullEmail(text, [.. members, .. ghosts]);
        CliAssert.NoFullEmail(json, [.. members, .. ghosts]);
    }

    [Fact]
    public async Task Check_json_reports_outcome_exit_code_the_run_with_four_checks_and_the_alerts()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(3);

        var result = await db.RunAsync("check", "--json", "--environment", "ci");

        CliAssert.ExitCode(ExitCodes.Critical, result);
        var root = result.Json();
        Assert.Equal("completed", root.GetProperty("outcome").GetString());
        Assert.Equal(2, root.GetProperty("exitCode").GetInt32());
        var run = root.GetProperty("run");
        Assert.Equal("critical", run.GetProperty("status").GetString());
        Assert.Equal(3, run.GetProperty("ghostUsers").GetInt64());
        Assert.Equal(
            ["ghost_users", "orphaned_profiles", "count_parity", "trigger_enabled"],
            run.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        var runId = run.GetProperty("runId").GetString();
        var alerts = root.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(["count_parity", "ghost_users"], alerts.Select(a => a.GetProperty("check").GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(alerts, alert =>
        {
            var check = alert.GetProperty("check").GetString();
            Assert.Equal($"usersync:ci:{check}", alert.GetProperty("dedupKey").GetString());
            Assert.Equal($"{Guid.Parse(runId!):N}:{check}:firing", alert.GetProperty("alertId").GetString());
            Assert.Equal("firing", alert.GetProperty("status").GetString());
            Assert.Equal("critical", alert.GetProperty("severity").GetString());
            Assert.Equal(JsonValueKind.Array, alert.GetProperty("samples").ValueKind);
        });
        Assert.Equal(JsonValueKind.Null, root.GetProperty("failureReason").ValueKind);
    }

    [Fact]
    public async Task Check_after_repair_exits_0_and_resolves_every_alert_that_fired_before()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(4);
        var before = await db.RunAsync("check", "--json");
        CliAssert.ExitCode(ExitCodes.Critical, before);
        CliAssert.ExitCode(ExitCodes.Healthy, await db.RunAsync("repair", "--apply", "--yes"));

        var after = await db.RunAsync("check", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, after);
        Assert.Equal(0, after.Json().GetProperty("exitCode").GetInt32());
        var fired = Alerts(before).Select(a => a.GetProperty("dedupKey").GetString()).Order().ToList();
        var resolved = Alerts(after);
        Assert.NotEmpty(fired);
        Assert.Equal(fired, resolved.Select(a => a.GetProperty("dedupKey").GetString()).Order().ToList());
        Assert.All(resolved, a => Assert.Equal("resolved", a.GetProperty("status").GetString()));
        Assert.All(resolved, a => Assert.EndsWith(":resolved", a.GetProperty("alertId").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_against_an_unreachable_database_exits_3_with_one_line_and_a_monitor_failed_alert()
    {
        var result = await Cli.RunAsync("check", "--connection", "Host=/tmp/definitely-not-here;Username=x;Password=s3cret-pw");

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        var error = Assert.Single(result.StderrLines);
        Assert.StartsWith("usersync: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", result.Stdout + result.Stderr, StringComparison.Ordinal);
        var alert = Assert.Single(result.AlertLines);
        Assert.Equal("monitor_failed", alert.GetProperty("check").GetString());
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Check_as_a_login_without_user_sync_monitor_exits_3_with_a_monitor_failed_alert_and_records_nothing()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var plainLogin = await MonitoredDatabase.CreateLoginAsync(_cluster, inMonitorRole: false);

        var result = await Cli.RunAsync("check", "--json", "--connection", _cluster.ConnectionString(db.Name, plainLogin));

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        var json = result.Json();
        Assert.Equal("could_not_run", json.GetProperty("outcome").GetString());
        Assert.Equal(3, json.GetProperty("exitCode").GetInt32());
        var alert = Assert.Single(json.GetProperty("alerts").EnumerateArray().ToList());
        Assert.Equal("monitor_failed", alert.GetProperty("check").GetString());
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    private static List<JsonElement> Alerts(CliResult checkJson) => checkJson.Json().GetProperty("alerts").EnumerateArray().ToList();
}
