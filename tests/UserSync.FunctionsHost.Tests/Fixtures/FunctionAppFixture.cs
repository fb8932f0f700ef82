using Azure.Storage.Queues;
using UserSync.FunctionsHost.Http;
using UserSync.Testing;

namespace UserSync.FunctionsHost.Tests.Fixtures;

/// <summary>
/// The function app's real worker process under the stand-in, with everything real around it: a
/// throwaway PostgreSQL cluster and a migrated database, Azurite for the queues, and loopback
/// servers for Slack, PagerDuty and SendGrid. One per test collection (the worker takes a few
/// seconds to start); always stopped, the worker by its pid.
/// </summary>
public abstract class FunctionAppFixture : IAsyncLifetime
{
    public const string AlertsQueue = "user-sync-alerts";
    public const string PoisonQueue = "user-sync-alerts-poison";

    /// <summary>Secrets the app is configured with: none may appear in the worker's logs.</summary>
    public const string SendGridKey = "SG.functions-host-test-key";
    public const string RoutingKey = "routing-key-functions-host";
    public const string SlackSecretPath = "services/T000/B000/slack-secret-path";

    private PostgresCluster? _cluster;
    private AzuriteServer? _azurite;
    private LocalFunctionsHost? _host;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("not started");

    public MonitoredDatabase Database { get; private set; } = null!;

    public LoopbackRecorder Slack { get; } = LoopbackRecorder.Start(200, "ok");

    public LoopbackRecorder PagerDuty { get; } = LoopbackRecorder.Start(202, """{"status":"success"}""");

    public LoopbackRecorder Email { get; } = LoopbackRecorder.Start(202);

    public LocalFunctionsHost Host => _host ?? throw new InvalidOperationException("not started");

    public HttpFront Front { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public QueueClient Alerts => Queue(AlertsQueue);

    public QueueClient Poison => Queue(PoisonQueue);

    /// <summary>A queue of the app's storage with the app's encoding (base64, host.json).</summary>
    public QueueClient Queue(string name) =>
        new(Azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        _azurite = await AzuriteServer.StartAsync();
        Database = await MonitoredDatabase.CreateAsync(_cluster);
        await PrepareAsync(Database);
        _host = await LocalFunctionsHost.StartAsync(new LocalHostOptions
        {
            AppDirectory = FunctionAppBuild.Directory,
            Settings = Settings(),
            QueueRetryVisibility = TimeSpan.Zero,
            RetryDelayCap = TimeSpan.FromMilliseconds(200),
        }, CancellationToken.None);
        Front = await _host.StartHttpFrontAsync(0, CancellationToken.None);
        Http = new HttpClient { BaseAddress = Front.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        await Alerts.CreateIfNotExistsAsync();
        await Poison.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Slack.DisposeAsync();
        await PagerDuty.DisposeAsync();
        await Email.DisposeAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Empty queues, peers that answer 2xx and have seen nothing: a clean start for a test.</summary>
    public async Task ResetPeersAndQueuesAsync()
    {
        await Alerts.ClearMessagesAsync();
        await Poison.ClearMessagesAsync();
        foreach (var peer in new[] { Slack, PagerDuty, Email })
        {
            peer.Requests.Clear();
        }

        Slack.Status = 200;
        PagerDuty.Status = 202;
        Email.Status = 202;
    }

    /// <summary>What the database holds before the worker starts.</summary>
    protected virtual Task PrepareAsync(MonitoredDatabase database) => Task.CompletedTask;

    /// <summary>Settings a fixture adds to (or overrides in) the common ones.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    /// <summary>The app settings, as the host gives them to the worker (environment variables).</summary>
    private Dictionary<string, string?> Settings()
    {
        var settings = CommonSettings();
        foreach (var (name, value) in ExtraSettings)
        {
            settings[name] = value;
        }

        return settings;
    }

    private Dictionary<string, string?> CommonSettings() => new()
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["DailyCheckSchedule"] = "0 0 2 * * *",
        ["IncrementalCheckSchedule"] = "0 */10 * * * *",
        ["MonthlyReportSchedule"] = "0 0 6 1 * *",
        ["UserSync__ConnectionString"] = Database.ConnectionString,
        ["UserSync__Environment"] = "test",
        ["UserSync__Alerts__Routes__Critical"] = "email,slack",
        ["UserSync__Alerts__Routes__Checks__ghost_users"] = "pagerduty",
        ["UserSync__Alerts__Email__Provider"] = "sendgrid",
        ["UserSync__Alerts__Email__SendGrid__ApiKey"] = SendGridKey,
        ["UserSync__Alerts__Email__SendGrid__From"] = "alerts@usersync.test",
        ["UserSync__Alerts__Email__SendGrid__Recipients__0"] = "oncall@usersync.test",
        ["UserSync__Alerts__Email__SendGrid__BaseUrl"] = Email.BaseUrl,
        ["UserSync__Alerts__Slack__WebhookUrl"] = Slack.BaseUrl + SlackSecretPath,
        ["UserSync__Alerts__PagerDuty__RoutingKey"] = RoutingKey,
        ["UserSync__Alerts__PagerDuty__BaseUrl"] = PagerDuty.BaseUrl,
        ["UserSync__Alerts__Http__MaxRetries"] = "0",
        ["UserSync__Alerts__Http__AttemptTimeout"] = "00:00:05",
    };
}
