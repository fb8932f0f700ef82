using Microsoft.Extensions.Time.Testing;
using UserSync.Testing;

namespace UserSync.Cli.Tests;

/// <summary>`usersync report` on the example month (tests/Shared/ExampleMonth.cs), as of the monthly timer's clock.</summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class ReportCommandTests(PostgresClusterFixture fixture)
{
    private readonly PostgresCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Markdown_and_html_are_the_committed_examples()
    {
        var db = await ExampleDatabaseAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("usersync-report-").FullName, "november.html");

        var markdown = await RunAsync(db, "report", "--month", ExampleMonth.Month, "--format", "markdown");
        var html = await RunAsync(db, "report", "--month", ExampleMonth.Month, "--format", "html", "--output", file);

        CliAssert.ExitCode(ExitCodes.Healthy, markdown);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(PostgresCluster.RepositoryRoot, "docs/report-example.md")), markdown.Stdout);
        CliAssert.ExitCode(ExitCodes.Healthy, html);
        Assert.Equal($"wrote the html report for 2026-11 to {file}\n", html.Stdout);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(PostgresCluster.RepositoryRoot, "docs/report-example.html")), await File.ReadAllTextAsync(file));
        Assert.Equal([file], Directory.GetFiles(Path.GetDirectoryName(file)!));
    }

    [Fact]
    public async Task Json_carries_every_figure()
    {
        var db = await ExampleDatabaseAsync();

        var result = await RunAsync(db, "report", "--month", ExampleMonth.Month, "--format", "json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        var report = result.Json();
        Assert.Equal(("2026-11", 34, 2748.0, 435.0, 426.75, 0.333333, 0.989583),
            (report.GetProperty("period").GetString(), report.GetProperty("runs").GetProperty("total").GetInt32(),
             report.GetProperty("ghostMinutes").GetDouble(), report.GetProperty("timeToDetect").GetProperty("meanMinutes").GetDouble(),
             report.GetProperty("timeToResolve").GetProperty("meanMinutes").GetDouble(), report.GetProperty("falsePositives").GetProperty("rate").GetDouble(),
             report.GetProperty("trigger").GetProperty("uptime").GetDouble()));
        Assert.Equal(10, report.GetProperty("incidents").GetArrayLength());
        Assert.Equal(["ghosts", "orphans", "discrepancy", "trigger_uptime", "mttd", "mttr", "false_positive_rate"],
            report.GetProperty("objectives").EnumerateArray().Select(o => o.GetProperty("key").GetString()));
        Assert.Equal(30, report.GetProperty("daily").GetArrayLength());
    }

    [Fact]
    public async Task The_table_shows_the_targets_figures_and_incidents()
    {
        var db = await ExampleDatabaseAsync();

        var result = await RunAsync(db, "report", "--from", "2026-11-12", "--to", "2026-11-13");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Contains("User sync success metrics: 2026-11-12 to 2026-11-12 (prod)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("68.75 % of 1 d observed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 h 50 min over 3 incidents", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"trigger +│ 11-12 02:00 │ 11-12 09:30 │ — +│ 7 h 30 min │ 0/0 +│ — ", result.Stdout);
        Assert.Matches(@"ghosts +│ 11-12 09:00 │ 11-12 09:30 │ 6 h +│ 30 min +│ 1/0 +│ no ", result.Stdout);
        Assert.Contains("1 batch, 3 users", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_period_it_reports_the_current_month_up_to_now()
    {
        var db = await ExampleDatabaseAsync();

        var result = await RunAsync(db, "report", "--format", "json");

        CliAssert.ExitCode(ExitCodes.Healthy, result);
        Assert.Equal(("2026-12", "2026-12-01T06:00:00+00:00"),
            (result.Json().GetProperty("period").GetString(), result.Json().GetProperty("observedUntil").GetString()));
    }

    [Theory]
    [InlineData("--month 2026-13", "usersync: --month must be a month written yyyy-MM, for example 2026-11.")]
    [InlineData("--month 2026-11 --from 2026-11-01 --to 2026-11-02", "usersync: give either --month or --from and --to, not both.")]
    [InlineData("--from 2026-11-01", "usersync: --from and --to go together.")]
    [InlineData("--from 2026-11-10 --to 2026-11-03", "usersync: --to must be after from.")]
    [InlineData("--from 2025-01-01 --to 2026-11-03", "usersync: --to must be at most 366 days after from.")]
    [InlineData("--from soon --to 2026-11-03", "usersync: --from must be a date (yyyy-MM-dd) or a time with an offset (2026-11-03T10:00:00Z).")]
    [InlineData("--month 2026-11 --output x.md", "usersync: --output needs --format markdown, html or json.")]
    public async Task Bad_periods_and_options_exit_64_with_a_message(string arguments, string message)
    {
        var result = await Cli.RunAsync(new Dictionary<string, string> { ["USERSYNC_DB"] = "Host=/nonexistent;Username=nobody" },
            new FakeTimeProvider(ExampleMonth.ReportClock), ["report", .. arguments.Split(' ')]);

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Equal(message, result.Stderr.TrimEnd());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task An_unknown_format_is_a_usage_error()
    {
        var result = await Cli.RunAsync("report", "--format", "pdf");

        CliAssert.ExitCode(ExitCodes.Usage, result);
        Assert.Contains("pdf", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<MonitoredDatabase> ExampleDatabaseAsync()
    {
        var db = await MonitoredDatabase.CreateAsync(_cluster);
        await _cluster.ExecuteAsync(db.Name, ExampleMonth.Sql());
        return db;
    }

    private static Task<CliResult> RunAsync(MonitoredDatabase db, params string[] args) =>
        Cli.RunAsync(new Dictionary<string, string>(), new FakeTimeProvider(ExampleMonth.ReportClock),
            [.. args, "--connection", db.ConnectionString, "--environment", "prod"]);
}
