using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using UserSync.FunctionsHost;
using UserSync.FunctionsHost.Http;
using UserSync.Testing;

namespace UserSync.Dashboard.Tests;

/// <summary>How the app is told to treat the dashboard's callers (UserSync__Dashboard__Authentication).</summary>
public enum DashboardMode
{
    /// <summary>"None": loopback, no sign-in, everyone may act (the demo's and local.settings' mode).</summary>
    Local,

    /// <summary>"AppService": the signed-in principal from X-MS-CLIENT-PRINCIPAL, actions for the admin role only.</summary>
    AppService,
}

/// <summary>The function app as its real worker process under the host stand-in, its HTTP front on loopback, on a database of its own.</summary>
public sealed class DashboardApp : IAsyncDisposable
{
    private readonly PostgresCluster _cluster;
    private readonly LocalFunctionsHost _host;
    private readonly HttpFront _front;
    private readonly string _outbox;

    private DashboardApp(PostgresCluster cluster, MonitoredDatabase database, LocalFunctionsHost host, HttpFront front, string outbox)
    {
        _cluster = cluster;
        Database = database;
        _host = host;
        _front = front;
        _outbox = outbox;
        Http = new HttpClient { BaseAddress = front.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public MonitoredDatabase Database { get; }

    public HttpClient Http { get; }

    public Uri BaseAddress => _front.BaseAddress;

    /// <summary>The page, polling every second instead of 15 so a test sees an update soon.</summary>
    public string PageUrl => new Uri(BaseAddress, "api/user-sync/dashboard/?poll=1").ToString();

    public static async Task<DashboardApp> StartAsync(PostgresCluster cluster, AzuriteServer azurite, DashboardMode mode, Func<PostgresCluster, MonitoredDatabase, Task>? prepare)
    {
        var database = await MonitoredDatabase.CreateAsync(cluster);
        if (prepare is not null)
        {
            await prepare(cluster, database);
        }

        var outbox = Path.Combine(Path.GetTempPath(), "usersync-dashboard-outbox-" + Guid.NewGuid().ToString("N")[..8]);
        var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions
        {
            AppDirectory = FunctionAppBuild.Directory,
            Settings = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["DailyCheckSchedule"] = "0 0 2 * * *",
                ["IncrementalCheckSchedule"] = "0 */10 * * * *",
                ["MonthlyReportSchedule"] = "0 0 6 1 * *",
                ["UserSync__ConnectionString"] = database.ConnectionString,
                ["UserSync__Environment"] = "test",
                ["UserSync__Dashboard__Authentication"] = mode == DashboardMode.Local ? "None" : "AppService",
                ["UserSync__Alerts__Outbox__Directory"] = outbox,
                ["UserSync__Alerts__Routes__Critical"] = "outbox",
                ["UserSync__Alerts__Routes__Warning"] = "outbox",
                ["UserSync__Alerts__Routes__Checks__trigger_enabled"] = "none",
                ["UserSync__Alerts__Routes__Checks__monitor_failed"] = "none",
                ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
                ["APPLICATIONINSIGHTS_SDKSTATS_DISABLED"] = "true",
            },
            QueueRetryVisibility = TimeSpan.Zero,
        }, CancellationToken.None);
        try
        {
            return new DashboardApp(cluster, database, host, await host.StartHttpFrontAsync(0, CancellationToken.None), outbox);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A full check through the function-key API (the stand-in checks no keys): a recorded run.</summary>
    public async Task<JsonElement> RunChecksAsync()
    {
        using var response = await Http.PostAsync(new Uri("api/user-sync/checks/run", UriKind.Relative), null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"checks/run answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("run");
    }

    /// <summary>Every ghost repaired through the function-key API.</summary>
    public async Task RepairAllAsync()
    {
        using var response = await Http.PostAsJsonAsync(new Uri("api/user-sync/repair", UriKind.Relative), new { apply = true, batchSize = 1000 });
        Assert.True(response.IsSuccessStatusCode, $"repair answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public Task ExecuteAsync(string sql) => _cluster.ExecuteAsync(Database.Name, sql);

    /// <summary>A run recorded <paramref name="age"/> ago with known numbers (as the superuser, like tests/Shared/ExampleMonth.cs).</summary>
    public static Task RecordPastRunAsync(PostgresCluster cluster, MonitoredDatabase database, TimeSpan age, long ghosts, long orphans = 0, Guid? runId = null) =>
        cluster.ExecuteAsync(database.Name, string.Create(CultureInfo.InvariantCulture, $"""
            insert into user_sync.monitoring_log (run_id, checked_at, status, auth_users, profiles, ghost_users, orphaned_profiles,
                count_difference, trigger_state, trigger_enabled, checks, duration_ms, run_by, source)
            select '{runId ?? Guid.NewGuid()}', now() - interval '{(long)age.TotalSeconds} seconds', user_sync.overall_status(c.checks), {1000 + ghosts},
                   {1000 + orphans}, {ghosts}, {orphans}, {ghosts - orphans}, 'enabled', true, c.checks, 120, 'usersync_app', 'timer'
              from (select jsonb_agg(to_jsonb(e)) as checks
                      from user_sync.evaluate_checks({ghosts}, {orphans}, {1000 + ghosts}, {1000 + orphans}, 'enabled') e) c;
            """));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync(); // stops its HTTP front first, then the worker by its pid
        if (Directory.Exists(_outbox))
        {
            Directory.Delete(_outbox, recursive: true);
        }
    }
}
