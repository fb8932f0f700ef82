using UserSync.Testing;

namespace UserSync.Cli.Tests;

/// <summary>`usersync local`: the built function app under the host stand-in, on a real database and Azurite.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class LocalCommandTests(PostgresClusterFixture fixture, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Local_runs_DailyCheck_in_the_worker_and_AlertDispatcher_delivers_its_queued_alerts_to_the_outbox()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await database.AddGhostsAsync(2);
        var outbox = Directory.CreateTempSubdirectory("usersync-local-outbox-").FullName;
        try
        {
            var result = await Cli.RunAsync("local", "--app", FunctionAppBuild.Directory, "--storage", azurite.Server.ConnectionString,
                "--connection", database.ConnectionString, "--environment", "test",
                "--set", $"UserSync__Alerts__Outbox__Directory={outbox}",
                "--set", "UserSync__Alerts__Routes__Critical=outbox",
                "--set", "UserSync__Alerts__Routes__Warning=outbox",
                "--set", "UserSync__Alerts__Routes__Checks__trigger_enabled=none",
                "--set", "UserSync__Alerts__Routes__Checks__monitor_failed=none");

            CliAssert.ExitCode(0, result);
            Assert.Contains(result.StdoutLines, l => l.StartsWith("worker ", StringComparison.Ordinal) && l.Contains("function(s) loaded", StringComparison.Ordinal));
            var daily = Assert.Single(result.StdoutLines, l => l.StartsWith("DailyCheck: succeeded;", StringComparison.Ordinal));
            Assert.Contains("on user-sync-alerts", daily, StringComparison.Ordinal);
            Assert.Contains(result.StdoutLines, l => l.StartsWith("AlertDispatcher: ", StringComparison.Ordinal) && l.Contains(" 0 moved to", StringComparison.Ordinal));
            Assert.Contains(result.StdoutLines, l => l.Contains("ghost users", StringComparison.Ordinal));
            Assert.NotEmpty(Directory.GetFiles(outbox, "*", SearchOption.AllDirectories));
            Assert.DoesNotContain("ghost001@example.com", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outbox, recursive: true);
        }
    }

    [Fact]
    public async Task Local_with_timer_fires_only_that_timer_and_an_unknown_timer_is_a_usage_error_naming_it()
    {
        var database = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        string[] common = ["local", "--app", FunctionAppBuild.Directory, "--storage", azurite.Server.ConnectionString,
            "--connection", database.ConnectionString, "--environment", "test", "--no-dispatch"];

        var only = await Cli.RunAsync([.. common, "--timer", "IncrementalCheck"]);
        var unknown = await Cli.RunAsync([.. common, "--timer", "HourlyCheck"]);

        CliAssert.ExitCode(0, only);
        Assert.Contains(only.StdoutLines, l => l.StartsWith("IncrementalCheck: succeeded;", StringComparison.Ordinal));
        Assert.DoesNotContain(only.StdoutLines, l => l.StartsWith("DailyCheck:", StringComparison.Ordinal));
        CliAssert.ExitCode(64, unknown);
        Assert.Contains("--timer: the app has no timer function 'HourlyCheck'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_with_no_timer_and_timer_is_a_usage_error()
    {
        var result = await Cli.RunAsync("local", "--app", FunctionAppBuild.Directory, "--storage", azurite.Server.ConnectionString,
            "--no-timer", "--timer", "DailyCheck");

        CliAssert.ExitCode(64, result);
        Assert.Contains("--no-timer and --timer exclude each other", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_without_a_function_app_build_is_a_usage_error_naming_app()
    {
        var result = await Cli.RunAsync("local", "--app", Path.GetTempPath(), "--storage", azurite.Server.ConnectionString);

        CliAssert.ExitCode(64, result);
        Assert.Contains("--app", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("functions.metadata", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_without_queue_storage_is_a_usage_error_naming_storage()
    {
        var result = await Cli.RunAsync("local", "--app", FunctionAppBuild.Directory);

        CliAssert.ExitCode(64, result);
        Assert.Contains("--storage", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_with_a_bad_set_is_a_usage_error()
    {
        var result = await Cli.RunAsync("local", "--app", FunctionAppBuild.Directory, "--storage", azurite.Server.ConnectionString, "--set", "NoEqualsSign");

        CliAssert.ExitCode(64, result);
        Assert.Contains("--set wants NAME=VALUE", result.Stderr, StringComparison.Ordinal);
    }
}
