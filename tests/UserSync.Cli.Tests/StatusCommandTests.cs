using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class StatusCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Status_before_any_check_says_none_is_recorded_and_exits_0()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);

        var result = await db.RunAsync("status");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("No check has been recorded yet", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_before_any_check_is_null()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);

        var result = await db.RunAsync("status", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(JsonValueKind.Null, result.Json().ValueKind);
    }

    [Fact]
    public async Task Status_after_a_check_shows_the_recorded_status_and_exits_0_even_when_critical()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        CliAssert.ExitCode(ExitCodes.Critical, await db.RunAsync("check"));

        var result = await db.RunAsync("status");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("status: critical", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ghost_users", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_returns_the_latest_recorded_run()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.SignUpAsync(2);
        await db.AddGhostsAsync(1);
        var check = await db.RunAsync("check", "--json");

        var result = await db.RunAsync("status", "--json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        var run = result.Json();
        Assert.Equal(check.Json().GetProperty("run").GetProperty("runId").GetString(), run.GetProperty("runId").GetString());
        Assert.Equal("critical", run.GetProperty("status").GetString());
        Assert.Equal(3, run.GetProperty("authUsers").GetInt64());
        Assert.Equal(2, run.GetProperty("profiles").GetInt64());
        Assert.Equal(1, run.GetProperty("ghostUsers").GetInt64());
        Assert.Equal("enabled", run.GetProperty("triggerState").GetString());
        Assert.Equal("cli", run.GetProperty("source").GetString());
        Assert.Equal(db.Login, run.GetProperty("runBy").GetString());
        Assert.Equal(4, run.GetProperty("checks").GetArrayLength());
    }
}
