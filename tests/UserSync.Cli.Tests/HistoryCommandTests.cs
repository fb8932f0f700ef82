using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class HistoryCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task History_json_lists_the_recorded_runs_newest_first()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(1);
        var first = await db.RunAsync("check", "--json");
        CliAssert.ExitCode(ExitCodes.Healthy, await db.RunAsync("repair", "--apply", "--yes"));
        var second = await db.RunAsync("check", "--json");

        var result = await db.RunAsync("history", "--days", "1", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        var runs = result.Json().EnumerateArray().ToList();
        Assert.Equal(
            [RunId(second), RunId(first)],
            runs.Select(r => r.GetProperty("runId").GetString()!).ToArray());
        Assert.Equal(["healthy", "critical"], runs.Select(r => r.GetProperty("status").GetString()!).ToArray());
        Assert.All(runs, r => Assert.Equal(4, r.GetProperty("checks").GetArrayLength()));
    }

    [Fact]
    public async Task History_prints_a_table_with_the_run_count()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        CliAssert.ExitCode(ExitCodes.Healthy, await db.RunAsync("check"));

        var result = await db.RunAsync("history", "--days", "7");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("1 run(s) in the last 7 day(s).", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("3651")]
    [InlineData("abc")]
    public async Task History_rejects_days_outside_1_to_3650_with_exit_64_and_records_nothing(string days)
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        CliAssert.ExitCode(ExitCodes.Healthy, await db.RunAsync("check"));

        var result = await db.RunAsync("history", "--days", days, "--json");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--days", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
        Assert.Equal(1L, await db.CountAsync("user_sync.monitoring_log"));
    }

    private static string RunId(CliResult check) => check.Json().GetProperty("run").GetProperty("runId").GetString()!;
}
