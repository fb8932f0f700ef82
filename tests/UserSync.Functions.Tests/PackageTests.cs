using System.IO.Compression;
using System.Text.Json;
using UserSync.Testing;

namespace UserSync.Functions.Tests;

/// <summary>
/// The zip scripts/package.sh builds: the isolated worker's layout at the zip root, the
/// repository's host.json, and the packaged app refusing to start on bad settings as the host
/// would start it.
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class PackageTests(PostgresClusterFixture fixture, FunctionPackage package) : IClassFixture<FunctionPackage>
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_zip_root_holds_what_the_host_reads_and_the_app()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToList();

        Assert.All(["host.json", "functions.metadata", "worker.config.json", "extensions.json", "UserSync.Functions.dll",
            "UserSync.Functions.deps.json", "UserSync.Functions.runtimeconfig.json"], file => Assert.Contains(file, names));
        Assert.Contains(names, n => n.StartsWith(".azurefunctions/", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal));
    }

    [Fact]
    public void The_zip_holds_the_bundled_dashboard_and_not_its_sources()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        var script = zip.GetEntry("dashboard/app.js")!;
        using var reader = new StreamReader(script.Open());

        Assert.Equal(["dashboard/app.css", "dashboard/app.js", "dashboard/index.html"],
            names.Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains("node_modules", StringComparison.Ordinal));
        Assert.Contains("echarts", reader.ReadToEnd(), StringComparison.OrdinalIgnoreCase); // ECharts bundled in, no CDN
    }

    [Fact]
    public void The_zip_holds_no_local_settings_no_symbols_and_no_native_launcher()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);

        Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith("local.settings", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(zip.Entries, e => e.Name.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(zip.Entries, e => e.FullName == "UserSync.Functions"); // the host runs `dotnet UserSync.Functions.dll`
    }

    [Fact]
    public void The_packaged_host_json_is_the_repository_one()
    {
        Assert.Equal(File.ReadAllText(RepositoryFiles.HostJson), File.ReadAllText(Path.Combine(package.ExtractedDirectory, "host.json")));
    }

    [Fact]
    public void The_packaged_functions_metadata_indexes_the_twenty_three_functions_and_every_extension_hint_is_in_the_zip()
    {
        var functions = Json.Parse(File.ReadAllText(Path.Combine(package.ExtractedDirectory, "functions.metadata")))
            .EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal);
        var hints = Json.Parse(File.ReadAllText(Path.Combine(package.ExtractedDirectory, "extensions.json"))).GetProperty("extensions")
            .EnumerateArray().Select(e => e.GetProperty("hintPath").GetString()!).ToList();
        var worker = Json.Parse(File.ReadAllText(Path.Combine(package.ExtractedDirectory, "worker.config.json"))).GetProperty("description");

        Assert.Equal(["AlertDispatcher", "DailyCheck", "Dashboard", "DashboardAlerts", "DashboardAudit", "DashboardGhosts", "DashboardHistory", "DashboardMe",
            "DashboardRepair", "DashboardReport", "DashboardRunChecks", "DashboardSummary", "GetAudit", "GetGhosts", "GetHistory", "GetReport",
            "GetStats", "GetStatus", "Health", "IncrementalCheck", "MonthlyReport", "RepairGhosts", "RunChecks"], functions);
        Assert.NotEmpty(hints);
        Assert.All(hints, hint => Assert.True(File.Exists(Path.Combine(package.ExtractedDirectory, hint)), $"{hint} is not in the zip"));
        Assert.True(File.Exists(Path.Combine(package.ExtractedDirectory, worker.GetProperty("defaultWorkerPath").GetString()!)));
    }

    [Fact]
    public async Task The_packaged_app_without_a_connection_string_exits_non_zero_naming_the_setting()
    {
        await using var app = StartAsTheHostDoes(new() { ["UserSync__Environment"] = "test" });

        var exitCode = await app.WaitForExitAsync(StartDeadline);

        Assert.True(exitCode != 0, $"exit code 0; output:\n{app.Output}");
        Assert.Contains("invalid setting: UserSync:ConnectionString is required", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_packaged_app_with_a_schedule_that_is_not_NCRONTAB_exits_non_zero_naming_DailyCheckSchedule_and_no_secret()
    {
        var db = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        await using var app = StartAsTheHostDoes(new()
        {
            ["UserSync__ConnectionString"] = db.ConnectionString + ";Password=hunter2-in-the-setting",
            ["UserSync__Environment"] = "test",
            ["DailyCheckSchedule"] = "not a cron",
        });

        var exitCode = await app.WaitForExitAsync(StartDeadline);

        Assert.True(exitCode != 0, $"exit code 0; output:\n{app.Output}");
        Assert.Contains("invalid setting: DailyCheckSchedule", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", app.Output, StringComparison.Ordinal);
    }

    // The host's command line and the two directory variables (docs/architecture.md); the gRPC
    // address is a closed port, which a start that fails on its settings never reaches.
    private ChildProcess StartAsTheHostDoes(Dictionary<string, string> settings)
    {
        settings["FUNCTIONS_WORKER_DIRECTORY"] = package.ExtractedDirectory;
        settings["FUNCTIONS_APPLICATION_DIRECTORY"] = package.ExtractedDirectory;
        return ChildProcess.Start("dotnet",
            ["UserSync.Functions.dll", "--functions-uri", "http://127.0.0.1:9/", "--functions-worker-id", Guid.NewGuid().ToString(),
             "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", "2147483647"],
            package.ExtractedDirectory, settings);
    }
}
