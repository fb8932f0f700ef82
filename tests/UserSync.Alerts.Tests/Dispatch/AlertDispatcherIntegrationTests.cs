using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UserSync.Core.Alerts;
using UserSync.Core.Checks;
using UserSync.Core.Options;
using UserSync.Core.Store;
using UserSync.Testing;

namespace UserSync.Alerts.Tests.Dispatch;

/// <summary>
/// The dispatcher on a real ledger (a fresh migrated database per test) with fake channels, in the
/// single-receiver form (the flat settings' channels are the receiver "default").
/// </summary>
[Collection(PostgresClusterDefinition.Name)]
public sealed class AlertDispatcherIntegrationTests(PostgresClusterFixture fixture)
{
    private readonly RecordingChannel _email = new("email");
    private readonly RecordingChannel _slack = new("slack");
    private readonly RecordingChannel _pagerDuty = new("pagerduty");

    [Fact]
    public async Task Dispatcher_delivers_each_alert_once_when_the_message_is_redelivered()
    {
        await using var database = await DatabaseAsync();
        var ledger = database.GetRequiredService<AlertDeliveryLedger>();
        var dispatcher = Dispatcher(ledger);
        var alert = Alert(CheckNames.GhostUsers, CheckSeverity.Critical);

        var first = await dispatcher.DeliverAsync(alert, 1, CancellationToken.None);
        var second = await dispatcher.DeliverAsync(alert, 2, CancellationToken.None);

        Assert.True(first.Delivered, first.Summary);
        Assert.True(second.Delivered, second.Summary);
        Assert.Single(_email.Sent);
        Assert.Single(_slack.Sent);
        Assert.Equal("default/email: already delivered; default/slack: already delivered", second.Summary);
    }

    [Fact]
    public async Task Dispatcher_delivers_each_alert_once_when_two_dispatchers_race()
    {
        await using var database = await DatabaseAsync();
        var ledger = database.GetRequiredService<AlertDeliveryLedger>();
        var alert = Alert(CheckNames.GhostUsers, CheckSeverity.Critical);
        _email.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _slack.Gate = _email.Gate;

        var one = Task.Run(() => Dispatcher(ledger).DeliverAsync(alert, 1, CancellationToken.None));
        var two = Task.Run(() => Dispatcher(ledger).DeliverAsync(alert, 1, CancellationToken.None));
        // Each channel held mid-send by whichever dispatcher claimed it first; then let them finish.
        await WaitUntilAsync(() => _email.Sent.Count + _slack.Sent.Count >= 2);
        _email.Gate.SetResult();
        var results = await Task.WhenAll(one, two);
        var retry = await Dispatcher(ledger).DeliverAsync(alert, 2, CancellationToken.None);

        Assert.Single(_email.Sent);
        Assert.Single(_slack.Sent);
        Assert.All(results, r => Assert.DoesNotContain("failed", r.Summary, StringComparison.Ordinal));
        Assert.True(retry.Delivered, retry.Summary);
    }

    [Fact]
    public async Task Dispatcher_with_one_channel_down_is_not_delivered_and_the_retry_sends_only_to_that_channel()
    {
        await using var database = await DatabaseAsync();
        var ledger = database.GetRequiredService<AlertDeliveryLedger>();
        var dispatcher = Dispatcher(ledger);
        var alert = Alert(CheckNames.GhostUsers, CheckSeverity.Critical);
        _slack.Up = false;

        var first = await dispatcher.DeliverAsync(alert, 1, CancellationToken.None);
        _slack.Up = true;
        var retry = await dispatcher.DeliverAsync(alert, 2, CancellationToken.None);

        Assert.False(first.Delivered);
        Assert.Equal("default/email: delivered 202; default/slack: failed 503: service unavailable", first.Summary);
        Assert.True(retry.Delivered, retry.Summary);
        Assert.Single(_email.Sent);
        Assert.Equal(2, _slack.Sent.Count);
    }

    [Fact]
    public async Task Dispatcher_routes_critical_to_email_and_slack_and_a_disabled_trigger_also_to_pagerduty()
    {
        await using var database = await DatabaseAsync();
        var ledger = database.GetRequiredService<AlertDeliveryLedger>();
        var dispatcher = Dispatcher(ledger);

        await dispatcher.DeliverAsync(Alert(CheckNames.GhostUsers, CheckSeverity.Critical), 1, CancellationToken.None);
        await dispatcher.DeliverAsync(Alert(CheckNames.TriggerEnabled, CheckSeverity.Critical), 1, CancellationToken.None);

        Assert.Equal([CheckNames.GhostUsers, CheckNames.TriggerEnabled], _email.Sent.Select(a => a.Check));
        Assert.Equal([CheckNames.GhostUsers, CheckNames.TriggerEnabled], _slack.Sent.Select(a => a.Check));
        Assert.Equal([CheckNames.TriggerEnabled], _pagerDuty.Sent.Select(a => a.Check));
    }

    [Fact]
    public async Task Dispatcher_routes_a_warning_to_slack_only()
    {
        await using var database = await DatabaseAsync();
        var ledger = database.GetRequiredService<AlertDeliveryLedger>();

        var result = await Dispatcher(ledger).DeliverAsync(Alert(CheckNames.OrphanedProfiles, CheckSeverity.Warning), 1, CancellationToken.None);

        Assert.True(result.Delivered, result.Summary);
        Assert.Single(_slack.Sent);
        Assert.Empty(_email.Sent);
        Assert.Empty(_pagerDuty.Sent);
    }

    [Fact]
    public async Task Dispatcher_sends_a_resolved_message_to_the_channels_that_got_the_firing_one()
    {
        await using var database = await DatabaseAsync();
        var ledger = database.GetRequiredService<AlertDeliveryLedger>();
        var dispatcher = Dispatcher(ledger);
        var firing = Alert(CheckNames.TriggerEnabled, CheckSeverity.Critical);

        await dispatcher.DeliverAsync(firing, 1, CancellationToken.None);
        var resolved = await dispatcher.DeliverAsync(
            firing with { AlertId = "run-2:trigger_enabled:resolved", Status = AlertStatus.Resolved }, 1, CancellationToken.None);

        Assert.True(resolved.Delivered, resolved.Summary);
        foreach (var channel in new[] { _email, _slack, _pagerDuty })
        {
            Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved], channel.Sent.Select(a => a.Status));
        }
    }

    [Fact]
    public async Task Start_up_fails_naming_the_route_when_a_route_names_a_channel_that_is_not_configured()
    {
        await using var provider = Services(new Dictionary<string, string?> { ["UserSync:Alerts:Routes:Critical"] = "email,slack,pagerduty" },
            _email, _slack);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlertRoutingOptions>>().Value);

        Assert.Contains("UserSync:Alerts:Routes:Critical names channel 'pagerduty', which is not configured.", error.Failures);
    }

    [Fact]
    public async Task With_channels_configured_the_delivery_is_the_dispatcher_and_without_it_is_the_log()
    {
        await using var withChannels = Services(new Dictionary<string, string?>(), _email, _slack, _pagerDuty);
        await using var without = Services(new Dictionary<string, string?>());

        Assert.IsType<AlertDispatcher>(withChannels.GetRequiredService<IAlertDelivery>());
        Assert.IsType<LoggingAlertDelivery>(without.GetRequiredService<IAlertDelivery>());
        Assert.NotNull(without.GetRequiredService<IOptions<AlertRoutingOptions>>().Value);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, params IAlertChannel[] channels)
    {
        settings["UserSync:ConnectionString"] = "Host=localhost;Username=unused";
        settings["UserSync:Environment"] = "test";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddUserSyncCore();
        foreach (var channel in channels)
        {
            services.AddSingleton(channel);
        }

        services.AddUserSyncAlerts(configuration);
        return services.BuildServiceProvider();
    }

    // The ledger on the app's one data source, as AddUserSyncAlerts wires it; disposing closes the pool.
    private async Task<ServiceProvider> DatabaseAsync()
    {
        var db = await MonitoredDatabase.CreateAsync(fixture.Cluster);
        return new ServiceCollection()
            .AddSingleton(Options.Create(new UserSyncOptions { ConnectionString = db.ConnectionString, Environment = "test" }))
            .AddSingleton(Options.Create(new AlertDeliveryLedgerOptions()))
            .AddUserSyncDatabase()
            .AddSingleton<AlertDeliveryLedger>()
            .BuildServiceProvider();
    }

    private AlertDispatcher Dispatcher(AlertDeliveryLedger ledger) =>
        new(new AlertRouter(new AlertRoutingOptions(), ["email", "slack", "pagerduty"]),
            new AlertReceiverChannels(new Dictionary<string, IReadOnlyList<IAlertChannel>> { ["default"] = [_email, _slack, _pagerDuty] }),
            ledger, NullLogger<AlertDispatcher>.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "timed out waiting for the dispatchers");
            await Task.Delay(20);
        }
    }

    private static AlertMessage Alert(string check, CheckSeverity severity) => new()
    {
        AlertId = $"run-1:{check}:firing",
        Environment = "test",
        Check = check,
        Severity = severity,
        Status = AlertStatus.Firing,
        Observed = "1",
        Expected = "0",
        RunId = Guid.NewGuid(),
        DetectedAt = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero),
        RunbookUrl = "https://runbooks.example/usersync.md",
        DedupKey = AlertMessage.DedupKeyFor("test", check),
    };
}
