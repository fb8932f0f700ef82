using UserSync.Testing;

namespace UserSync.Cli.Tests;

[Collection(PostgresClusterDefinition.Name)]
public sealed class ConnectionSettingTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Theory]
    [InlineData("migrate")]
    [InlineData("check")]
    [InlineData("status")]
    [InlineData("stats")]
    [InlineData("history")]
    [InlineData("ghosts")]
    [InlineData("repair")]
    public async Task A_command_without_connection_or_USERSYNC_DB_exits_64_naming_USERSYNC_DB(string command)
    {
        var result = await Cli.RunAsync(new Dictionary<string, string> { ["USERSYNC_ENVIRONMENT"] = "ci" }, command);

        CliAssert.ExitCode(ExitCodes.Usage, result);
        var error = Assert.Single(result.StderrLines);
        Assert.Contains("USERSYNC_DB", error, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("this is not a connection string")]
    [InlineData("Host=/tmp/somewhere;Password=s3cret-pw;Frobnicate=yes")]
    [InlineData("Username=x;Password=s3cret-pw")]
    public async Task A_malformed_connection_string_exits_64_without_echoing_it(string connection)
    {
        var result = await Cli.RunAsync("stats", "--connection", connection);

        CliAssert.ExitCode(ExitCodes.Usage, result);
        var error = Assert.Single(result.StderrLines);
        Assert.Contains("--connection / USERSYNC_DB", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_exits_64()
    {
        var result = await Cli.RunAsync("frobnicate");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("frobnicate", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_environment_name_exits_64_naming_the_option()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);

        var result = await db.RunAsync("check", "--environment", "Not Valid!");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("--environment", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task USERSYNC_DB_from_the_environment_is_used_when_connection_is_absent()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await db.AddGhostsAsync(2);
        var variables = new Dictionary<string, string> { ["USERSYNC_DB"] = db.ConnectionString, ["USERSYNC_ENVIRONMENT"] = "staging" };

        var result = await Cli.RunAsync(variables, "check", "--json");

        CliAssert.ExitCode(ExitCodes.Critical, result);
        var alert = result.Json().GetProperty("alerts").EnumerateArray().First();
        Assert.Equal("staging", alert.GetProperty("environment").GetString());
        Assert.Equal(1L, await db.CountAsync("user_sync.monitoring_log"));
    }

    [Fact]
    public async Task Connection_option_wins_over_USERSYNC_DB()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        var variables = new Dictionary<string, string> { ["USERSYNC_DB"] = "Host=/tmp/definitely-not-here;Username=x" };

        var result = await Cli.RunAsync(variables, "stats", "--json", "--connection", db.ConnectionString);

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(0, result.Json().GetProperty("authUsers").GetInt64());
    }
}
