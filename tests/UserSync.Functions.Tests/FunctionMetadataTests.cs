using System.Text.Json;

namespace UserSync.Functions.Tests;

/// <summary>
/// functions.metadata is what the host reads to index the app (triggers, routes, keys, retries,
/// queues): the SDK writes it from the [Function] attributes at build time. These pin what the
/// deployed app promises, so an attribute changed by accident fails here, not in production.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Functions = new(() =>
    {
        var path = Path.Combine(RepositoryFiles.AppOutput, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Worker SDK did not index the app");
        return Json.Parse(File.ReadAllText(path)).EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, StringComparer.Ordinal);
    });

    public static TheoryData<string, string, string, string> HttpFunctions => new()
    {
        { "Health", "get", "user-sync/health", "Anonymous" },
        { "GetStatus", "get", "user-sync/status", "Function" },
        { "GetStats", "get", "user-sync/stats", "Function" },
        { "GetHistory", "get", "user-sync/history", "Function" },
        { "GetGhosts", "get", "user-sync/ghosts", "Function" },
        { "GetAudit", "get", "user-sync/audit", "Function" },
        { "GetReport", "get", "user-sync/report", "Function" },
        { "RunChecks", "post", "user-sync/checks/run", "Function" },
        { "RepairGhosts", "post", "user-sync/repair", "Admin" },
        { "DashboardMe", "get", "user-sync/view/me", "Anonymous" },
        { "DashboardSummary", "get", "user-sync/view/summary", "Anonymous" },
        { "DashboardHistory", "get", "user-sync/view/history", "Anonymous" },
        { "DashboardAlerts", "get", "user-sync/view/alerts", "Anonymous" },
        { "DashboardGhosts", "get", "user-sync/view/ghosts", "Anonymous" },
        { "DashboardAudit", "get", "user-sync/view/audit", "Anonymous" },
        { "DashboardReport", "get", "user-sync/view/report", "Anonymous" },
        { "DashboardRunChecks", "post", "user-sync/view/checks/run", "Anonymous" },
        { "DashboardRepair", "post", "user-sync/view/repair", "Anonymous" },
        { "Dashboard", "get", "user-sync/dashboard/{*path}", "Anonymous" },
    };

    [Fact]
    public void The_app_indexes_exactly_the_twenty_three_functions()
    {
        Assert.Equal(
            ["AlertDispatcher", "DailyCheck", "Dashboard", "DashboardAlerts", "DashboardAudit", "DashboardGhosts", "DashboardHistory", "DashboardMe",
             "DashboardRepair", "DashboardReport", "DashboardRunChecks", "DashboardSummary", "GetAudit", "GetGhosts", "GetHistory", "GetReport",
             "GetStats", "GetStatus", "Health", "IncrementalCheck", "MonthlyReport", "RepairGhosts", "RunChecks"],
            Functions.Value.Keys.Order(StringComparer.Ordinal));
        Assert.All(Functions.Value.Values, f =>
        {
            Assert.Equal("dotnet-isolated", f.GetProperty("language").GetString());
            Assert.Equal("UserSync.Functions.dll", f.GetProperty("scriptFile").GetString());
        });
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Http_function_has_its_method_route_and_key_level(string name, string method, string route, string authLevel)
    {
        var trigger = Assert.Single(Bindings(name), b => Type(b) == "httpTrigger");

        Assert.Equal("In", trigger.GetProperty("direction").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Single(Bindings(name), b => Type(b) == "http" && b.GetProperty("direction").GetString() == "Out");
        Assert.False(Functions.Value[name].TryGetProperty("retry", out _), $"{name}: HTTP functions take no retry policy");
    }

    [Fact]
    public void Only_the_http_functions_that_record_a_run_write_to_a_queue_the_alerts_one()
    {
        var queued = HttpFunctions.Select(row => (string)row[0]).Where(name => Bindings(name).Any(b => Type(b) == "queue")).ToList();

        Assert.Equal(["RunChecks", "DashboardRunChecks", "DashboardRepair"], queued);
        Assert.All(queued, name =>
            Assert.Equal("user-sync-alerts", Assert.Single(Bindings(name), b => Type(b) == "queue").GetProperty("queueName").GetString()));
    }

    [Fact]
    public void DailyCheck_is_a_monitored_timer_on_the_schedule_setting_with_an_exponential_retry_and_the_alerts_queue_as_output()
    {
        var bindings = Bindings("DailyCheck");
        var timer = Assert.Single(bindings, b => Type(b) == "timerTrigger");
        var output = Assert.Single(bindings, b => Type(b) == "queue");
        var retry = Functions.Value["DailyCheck"].GetProperty("retry");

        Assert.Equal(2, bindings.Count);
        Assert.Equal("%DailyCheckSchedule%", timer.GetProperty("schedule").GetString());
        Assert.True(timer.GetProperty("useMonitor").GetBoolean());
        Assert.False(timer.TryGetProperty("runOnStartup", out var onStartup) && onStartup.GetBoolean());
        Assert.Equal("Out", output.GetProperty("direction").GetString());
        Assert.Equal("user-sync-alerts", output.GetProperty("queueName").GetString());
        Assert.Equal("exponentialBackoff", retry.GetProperty("strategy").GetString());
        Assert.Equal(3, retry.GetProperty("maxRetryCount").GetInt32());
        Assert.Equal("00:00:10", retry.GetProperty("minimumInterval").GetString());
        Assert.Equal("00:15:00", retry.GetProperty("maximumInterval").GetString());
    }

    [Fact]
    public void IncrementalCheck_is_a_monitored_timer_on_its_own_schedule_setting_without_a_retry_policy_and_the_alerts_queue_as_output()
    {
        var bindings = Bindings("IncrementalCheck");
        var timer = Assert.Single(bindings, b => Type(b) == "timerTrigger");
        var output = Assert.Single(bindings, b => Type(b) == "queue");

        Assert.Equal(2, bindings.Count);
        Assert.Equal("%IncrementalCheckSchedule%", timer.GetProperty("schedule").GetString());
        Assert.True(timer.GetProperty("useMonitor").GetBoolean());
        Assert.Equal("user-sync-alerts", output.GetProperty("queueName").GetString());
        Assert.False(Functions.Value["IncrementalCheck"].TryGetProperty("retry", out _), "the next tick is minutes away");
    }

    [Fact]
    public void AlertDispatcher_is_triggered_by_the_alerts_queue_as_a_string_and_can_write_only_to_the_poison_queue()
    {
        var bindings = Bindings("AlertDispatcher");
        var trigger = Assert.Single(bindings, b => Type(b) == "queueTrigger");
        var output = Assert.Single(bindings, b => Type(b) == "queue");

        Assert.Equal(2, bindings.Count);
        Assert.Equal("message", trigger.GetProperty("name").GetString());
        Assert.Equal("String", trigger.GetProperty("dataType").GetString());
        Assert.Equal("user-sync-alerts", trigger.GetProperty("queueName").GetString());
        Assert.Equal("user-sync-alerts-poison", output.GetProperty("queueName").GetString());
        Assert.False(Functions.Value["AlertDispatcher"].TryGetProperty("retry", out _),
            "a queue trigger retries through the queue (maxDequeueCount), not a retry policy");
    }

    [Theory]
    [InlineData("worker.config.json")]
    [InlineData("extensions.json")]
    [InlineData("host.json")]
    [InlineData("dashboard/index.html")]
    [InlineData("dashboard/app.js")]
    [InlineData("dashboard/app.css")]
    public void The_build_output_holds_what_the_host_reads_and_the_dashboard(string file)
    {
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.AppOutput, file)), $"{file} is missing from {RepositoryFiles.AppOutput}");
    }

    [Fact]
    public void The_worker_config_starts_the_app_dll_with_dotnet_and_worker_indexing()
    {
        var description = Json.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.AppOutput, "worker.config.json"))).GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("UserSync.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
        Assert.Equal("true", description.GetProperty("workerIndexing").GetString());
    }

    [Fact]
    public void The_queue_extension_is_registered_for_the_host_from_the_azurefunctions_folder()
    {
        var extensions = Json.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.AppOutput, "extensions.json"))).GetProperty("extensions")
            .EnumerateArray().ToList();
        var queues = Assert.Single(extensions, e => e.GetProperty("name").GetString() == "AzureStorageQueues");
        var hint = queues.GetProperty("hintPath").GetString()!;

        Assert.StartsWith("./.azurefunctions/", hint, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.AppOutput, hint)), $"{hint} is missing");
    }

    private static List<JsonElement> Bindings(string function) =>
        Functions.Value[function].GetProperty("bindings").EnumerateArray().ToList();

    private static string? Type(JsonElement binding) => binding.GetProperty("type").GetString();
}
