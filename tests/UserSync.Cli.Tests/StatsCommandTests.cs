using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class StatsCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Stats_json_reports_the_numbers_measured_in_the_database()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(4);
        await db.AddGhostsAsync(3);
        await db.AddOrphanAsync();

        var result = await db.RunAsync("stats", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        var stats = result.Json();
        Assert.Equal(7, stats.GetProperty("authUsers").GetInt64());
        Assert.Equal(5, stats.GetProperty("profiles").GetInt64());
        Assert.Equal(3, stats.GetProperty("ghostUsers").GetInt64());
        Assert.Equal(1, stats.GetProperty("orphanedProfiles").GetInt64());
        Assert.Equal(2, stats.GetProperty("countDifference").GetInt64());
        Assert.Equal("enabled", stats.GetProperty("triggerState").GetString());
        Assert.True(stats.GetProperty("triggerEnabled").GetBoolean());
    }

    [Fact]
    public async Task Stats_prints_a_table_and_records_no_run()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(3);

        var result = await db.RunAsync("stats");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Matches(@"ghost users\s*│?\s*3", result.Stdout);
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Stats_as_a_login_without_user_sync_monitor_exits_3_naming_the_role()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var plainLogin = await MonitoredDatabase.CreateLoginAsync(_cluster, inMonitorRole: false);

        var result = await Cli.RunAsync("stats", "--connection", _cluster.ConnectionString(db.Name, plainLogin));

        CliAssert.ExitCode(ExitCodes.CouldNotRun, result);
        var error = Assert.Single(result.StderrLines);
        Assert.Contains("user_sync_monitor", error, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }
}
